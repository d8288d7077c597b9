import { encodeFunctionData, parseEventLogs, toHex, type Address, type Hex } from 'viem';
import {
  AggregationState,
  BatchTree,
  buildInclusionProof,
  CHAIN_DEPTH,
  messageLeaf,
  PRODUCTION_SHAPES,
  SHARED_DEPTH,
  signBatchRoot,
  interopHubDomain,
} from '@interop/protocol';
import {
  deployAggregationVerifier,
  deployInteropHub,
  deployL2Stack,
  interopCenterAbi,
  interopHandlerAbi,
  interopHubAbi,
  type SubmitRootArgs,
} from '@interop/contracts';
import { ANVIL_PRIVATE_KEYS } from '../../libs/infra/src/testing/anvil';
import { argsOf, operatorSigner, prepareEpoch, rootOf, type BatchSpec, type PreparedEpoch } from './helpers/epochs';
import { deployFixture, fixtureAbi } from './helpers/fixtures';
import { expectRevert } from './helpers/expectRevert';
import { NETWORK_DEPTHS, sentMessages, TEST_BATCH_DEPTH } from './helpers/network';
import { shapeProver, type ShapeProver } from './helpers/realProof';
import { startTestChain, type TestChain } from './helpers/testChain';

// The first run builds the production circuits (ensureCircuits); its caches make later runs take seconds.
jest.setTimeout(40 * 60_000);

const L1 = 900;
const A = 501;
const B = 502;
const KEYS = new Map<bigint, Hex>([
  [BigInt(A), ANVIL_PRIVATE_KEYS[1]],
  [BigInt(B), ANVIL_PRIVATE_KEYS[2]],
]);

type Group = SubmitRootArgs[5][number];
const withGroups = (args: SubmitRootArgs, groups: readonly Group[]): SubmitRootArgs => [
  args[0],
  args[1],
  args[2],
  args[3],
  args[4],
  groups,
  args[6],
];

/**
 * InteropHub with the real snarkjs verifiers of the production shapes (contracts/src/verifiers/
 * AggregationVerifierS4.sol, AggregationVerifierL32.sol): real Groth16 proofs (libs/prover `Prover`) of epochs made
 * by libs/protocol's AggregationState at production depths, tampered proofs, public signals and calldata refused on
 * chain, and one message carried end to end: sent on L2 A, settled on L1, executed on L2 B.
 */
describe('InteropHub with real Groth16 proofs of the production shapes', () => {
  let l1: TestChain;
  let a: TestChain;
  let b: TestChain;
  let hub: Address;
  let s4: ShapeProver;
  let l32: ShapeProver;
  let state = new AggregationState({ chainDepth: CHAIN_DEPTH, sharedDepth: SHARED_DEPTH });
  const slots = new Map<bigint, number>([
    [BigInt(A), 0],
    [BigInt(B), 1],
  ]);
  const b32 = (x: bigint): Hex => toHex(x, { size: 32 });
  const submit = (args: SubmitRootArgs) =>
    l1.wallets[0]!.writeContract({ address: hub, abi: interopHubAbi, functionName: 'submitRoot', args });
  const read = <F extends 'sharedRoot' | 'epoch'>(functionName: F) =>
    l1.publicClient.readContract({ address: hub, abi: interopHubAbi, functionName });
  const prepare = (shape: 's4' | 'l32', batches: BatchSpec[]) =>
    prepareEpoch({ state, slots, shape: PRODUCTION_SHAPES[shape], batches, sign: operatorSigner(L1, hub, KEYS) });
  const run = (chainId: number, from: number, to: number, tag = 'p'): BatchSpec[] =>
    Array.from({ length: to - from + 1 }, (_, i) => ({
      chainId: BigInt(chainId),
      batchRoot: rootOf(`${tag} ${chainId}/${from + i}`),
    }));
  /** Proves `e` with its shape's circuit; the prover's public signals are libs/protocol's. */
  const prove = async (e: PreparedEpoch, prover: ShapeProver) => {
    const { proof, publicSignals } = await prover.prove(e.step);
    const s = e.step.publicSignals;
    expect(publicSignals).toEqual([s.dataCommitment, s.challenge, s.evaluation]);
    return proof;
  };
  const settle = async (args: SubmitRootArgs, e: PreparedEpoch) => {
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash: await submit(args) });
    expect(receipt.status).toBe('success');
    state = e.after;
    expect(await read('sharedRoot')).toBe(b32(state.sharedRoot));
    return receipt;
  };

  beforeAll(async () => {
    [s4, l32] = [await shapeProver('s4'), await shapeProver('l32')];
    [l1, a, b] = await Promise.all([startTestChain(L1), startTestChain(A), startTestChain(B)]);
    const clients = { walletClient: l1.wallets[0]!, publicClient: l1.publicClient };
    const v4 = await deployAggregationVerifier(clients, 's4');
    const v32 = await deployAggregationVerifier(clients, 'l32');
    ({ address: hub } = await deployInteropHub(clients, {
      sharedDepth: SHARED_DEPTH,
      chainDepth: CHAIN_DEPTH,
      shapes: [
        { groups: 2, groupSize: 2, verifier: v4.address },
        { groups: 2, groupSize: 16, verifier: v32.address },
      ],
    }));
    for (const [chainId, wallet] of [
      [BigInt(A), l1.wallets[1]!],
      [BigInt(B), l1.wallets[2]!],
    ] as const) {
      const hash = await l1.wallets[0]!.writeContract({
        address: hub,
        abi: interopHubAbi,
        functionName: 'registerChain',
        args: [chainId, wallet.account.address],
      });
      await l1.publicClient.waitForTransactionReceipt({ hash });
    }
  });
  afterAll(async () => {
    await Promise.all([s4?.close(), l32?.close()]);
    await Promise.all([l1?.stop(), a?.stop(), b?.stop()]);
  });

  it('s4: settles a chain of two proven epochs, refusing tampered proofs, public signals and calldata', async () => {
    // epoch 1: one batch of each chain
    const e1 = await prepare('s4', [...run(A, 0, 0), ...run(B, 0, 0)]);
    const proof = await prove(e1, s4);
    const args = argsOf(e1, 1n, proof);

    // tampered proof elements
    await expectRevert(submit(argsOf(e1, 1n, { ...proof, a: [proof.a[0], proof.a[1] + 1n] })), 'InvalidProof');
    await expectRevert(submit(argsOf(e1, 1n, { ...proof, c: [proof.c[1], proof.c[0]] })), 'InvalidProof');
    // tampered public signals: the data commitment, the new root
    await expectRevert(submit([args[0], args[1], args[2], args[3], args[4] + 1n, args[5], args[6]]), 'InvalidProof');
    await expectRevert(
      submit([args[0], args[1], args[2], b32(e1.step.newRoot + 1n), args[4], args[5], args[6]]),
      'InvalidProof',
    );
    // another batch root for B, correctly signed over its chain root: the epoch data differs
    const forged = await prepare('s4', [...run(A, 0, 0), ...run(B, 0, 0, 'forged')]);
    const forgedArgs = argsOf(forged, 1n, proof);
    await expectRevert(submit([args[0], args[1], args[2], args[3], args[4], forgedArgs[5], args[6]]), 'InvalidProof');
    // the same groups in the other order
    await expectRevert(submit(withGroups(args, [args[5][1]!, args[5][0]!])), 'InvalidProof');
    // the proof of s4 under another shape id (l32's verifier has other keys)
    await expectRevert(submit([args[0], 2 * 65536 + 16, args[2], args[3], args[4], args[5], args[6]]), 'InvalidProof');
    await settle(args, e1);

    // epoch 2 links to epoch 1: A1 ends block [0, 2), A2 starts [2, 4): one chain in two groups, the last signed
    // a replay of epoch 1 (from the current root) is refused before its proof is looked at
    await expectRevert(
      submit([2n, args[1], b32(state.sharedRoot), args[3], args[4], args[5], args[6]]),
      'NonConsecutiveBatch',
    );
    const e2 = await prepare('s4', run(A, 1, 2));
    expect(e2.step.groups).toHaveLength(2);
    await expectRevert(submit(argsOf(e2, 2n, proof)), 'InvalidProof');
    const args2 = argsOf(e2, 2n, await prove(e2, s4));
    expect(args2[5].map((g) => g.signature === '0x')).toEqual([true, false]);
    await settle(args2, e2);
    expect(
      await l1.publicClient.readContract({ address: hub, abi: interopHubAbi, functionName: 'rootAt', args: [2n] }),
    ).toBe(b32(state.sharedRoot));
  });

  it('l32: settles 13 and 15 batches of two chains with one proof', async () => {
    const e = await prepare('l32', [...run(A, 3, 15), ...run(B, 1, 15)]);
    const args = argsOf(e, (await read('epoch')) + 1n, await prove(e, l32));
    const receipt = await settle(args, e);
    const [log] = parseEventLogs({ abi: interopHubAbi, logs: receipt.logs, eventName: 'RootSubmitted' });
    expect(log?.args).toMatchObject({ batchCount: 28n, shapeId: 2 * 65536 + 16 });
  });

  it('carries a message end to end: L2 A -> batch -> L1 proof -> imported on L2 B -> executed', async () => {
    const stackA = await deployL2Stack({ walletClient: a.wallets[0]!, publicClient: a.publicClient }, NETWORK_DEPTHS);
    const stackB = await deployL2Stack({ walletClient: b.wallets[0]!, publicClient: b.publicClient }, NETWORK_DEPTHS);
    const recorder = await deployFixture(b.wallets[0]!, b.publicClient, 'CallRecorder', [stackB.handler]);
    const params = { baseFee: 5n, perByteFee: 1n, dstGasPrice: 1n, exchangeRateE18: 10n ** 18n };
    const set = await a.wallets[0]!.writeContract({
      address: stackA.center,
      abi: interopCenterAbi,
      functionName: 'setFeeParams',
      args: [BigInt(B), params],
    });
    await a.publicClient.waitForTransactionReceipt({ hash: set });

    // L2 A: a user sends a CALL to the recorder on B
    const payload = encodeFunctionData({ abi: fixtureAbi('CallRecorder'), functionName: 'record', args: ['0x5eed'] });
    const fee = await a.publicClient.readContract({
      address: stackA.center,
      abi: interopCenterAbi,
      functionName: 'quoteFee',
      args: [BigInt(B), BigInt((payload.length - 2) / 2), 100_000n],
    });
    const sent = await a.wallets[4]!.writeContract({
      address: stackA.center,
      abi: interopCenterAbi,
      functionName: 'sendMessage',
      args: [BigInt(B), recorder, payload, 100_000n],
      value: fee,
    });
    const [m] = sentMessages(await a.publicClient.waitForTransactionReceipt({ hash: sent }));

    // chain app: seal A's next batch, operator signs it with the chain root; hub: prove; L1: settle
    const batch = new BatchTree([messageLeaf(m!)], TEST_BATCH_DEPTH);
    const batchNumber = BigInt(state.chainSize(BigInt(A)));
    const e = await prepare('s4', [{ chainId: BigInt(A), batchRoot: batch.root }]);
    expect(e.commitments[0]!.batchNumber).toBe(batchNumber);
    expect(await signBatchRoot(KEYS.get(BigInt(A))!, interopHubDomain(L1, hub), e.commitments[0]!)).toBe(
      e.metadata[0]!.signature,
    );
    const epoch = (await read('epoch')) + 1n;
    const receipt = await settle(argsOf(e, epoch, await prove(e, s4)), e);
    const [log] = parseEventLogs({ abi: interopHubAbi, logs: receipt.logs, eventName: 'ChainSettled' });
    expect(log?.args).toEqual({
      chainId: BigInt(A),
      epoch,
      firstBatch: batchNumber,
      chainRoot: b32(state.chainRoot(BigInt(A))),
      batchRoots: [batch.root],
    });

    // chain B operator imports the L1 root; a relayer executes with the inclusion proof
    const root = await l1.publicClient.readContract({
      address: hub,
      abi: interopHubAbi,
      functionName: 'rootAt',
      args: [epoch],
    });
    const imp = await b.wallets[0]!.writeContract({
      address: stackB.handler,
      abi: interopHandlerAbi,
      functionName: 'importSharedRoot',
      args: [epoch, root],
    });
    await b.publicClient.waitForTransactionReceipt({ hash: imp });
    const inclusion = buildInclusionProof({
      message: m!,
      batch,
      batchNumber,
      chainTree: state.chainTree(BigInt(A))!,
      chainSizeAtEpoch: state.chainSize(BigInt(A)),
      sharedTree: state.sharedTree,
      slot: 0,
      epoch,
    });
    const exec = await b.wallets[3]!.writeContract({
      address: stackB.handler,
      abi: interopHandlerAbi,
      functionName: 'executeMessage',
      args: [m!, inclusion],
    });
    expect((await b.publicClient.waitForTransactionReceipt({ hash: exec })).status).toBe('success');
    expect(
      await b.publicClient.readContract({
        address: recorder,
        abi: fixtureAbi('CallRecorder'),
        functionName: 'lastData',
      }),
    ).toBe('0x5eed');
    expect(
      await b.publicClient.readContract({
        address: recorder,
        abi: fixtureAbi('CallRecorder'),
        functionName: 'lastSender',
      }),
    ).toBe(a.wallets[4]!.account.address);
  });
});
