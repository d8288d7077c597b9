import { encodeFunctionData, parseEventLogs, toHex, type Address, type Hex } from 'viem';
import {
  AggregationState,
  BatchTree,
  buildInclusionProof,
  interopHubDomain,
  messageLeaf,
  signBatchRoot,
  TEST_CHAIN_DEPTH,
  TEST_K,
  TEST_SHAPE,
  TEST_SHARED_DEPTH,
  type BatchRootCommitment,
  type Update,
} from '@interop/protocol';
import {
  aggregationVerifierTestAbi,
  aggregationVerifierTestBytecode,
  deployContract,
  deployInteropHub,
  deployL2Stack,
  interopCenterAbi,
  interopHandlerAbi,
  interopHubAbi,
} from '@interop/contracts';
import { ANVIL_PRIVATE_KEYS } from '../../libs/infra/src/testing/anvil';
import { deployFixture, fixtureAbi } from './helpers/fixtures';
import { expectRevert } from './helpers/expectRevert';
import { sentMessages, TEST_BATCH_DEPTH } from './helpers/network';
import { proveStep, testCircuitBuilt } from './helpers/realProof';
import { startTestChain, type TestChain } from './helpers/testChain';

jest.setTimeout(300_000);

const L1 = 900;
const A = 501;
const B = 502;
const OPERATOR_A = ANVIL_PRIVATE_KEYS[1];
const OPERATOR_B = ANVIL_PRIVATE_KEYS[2];

/**
 * InteropHub with the real snarkjs verifier of the test circuit (contracts/src/verifiers/AggregationVerifierTest.sol):
 * real Groth16 proofs made from libs/protocol's AggregationState, a chain of two epochs, tampered proofs and public
 * inputs refused on chain, and one message carried end to end: sent on L2 A, settled on L1, executed on L2 B.
 */
describe('InteropHub with real Groth16 proofs', () => {
  let l1: TestChain;
  let a: TestChain;
  let b: TestChain;
  let hub: Address;
  let verifier: Address;
  const state = new AggregationState({ chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH });
  const slots = new Map<bigint, number>([
    [BigInt(A), 0],
    [BigInt(B), 1],
  ]);
  const b32 = (x: bigint): Hex => toHex(x, { size: 32 });
  const sign = (key: Hex, u: BatchRootCommitment) => signBatchRoot(key, interopHubDomain(BigInt(L1), hub), u);
  const commitments = (chainId: bigint, batchNumber: bigint, batchRoot: Hex): BatchRootCommitment => ({
    chainId,
    batchNumber,
    batchRoot,
    messageCount: 1,
    firstBlock: 1n,
    lastBlock: 2n,
  });
  const toUpdate = (u: BatchRootCommitment): Update => ({
    slot: slots.get(u.chainId)!,
    chainId: u.chainId,
    batchNumber: u.batchNumber,
    batchRoot: u.batchRoot,
  });
  const submit = (
    epoch: bigint,
    prev: Hex,
    next: Hex,
    updates: BatchRootCommitment[],
    signatures: Hex[],
    proof: unknown,
  ) =>
    l1.wallets[0]!.writeContract({
      address: hub,
      abi: interopHubAbi,
      functionName: 'submitRoot',
      args: [epoch, prev, next, updates, signatures, proof as never],
    });

  beforeAll(async () => {
    if (!testCircuitBuilt())
      throw new Error('test circuit not built: run node scripts/build-circuits.mjs --instance test');
    [l1, a, b] = await Promise.all([startTestChain(L1), startTestChain(A), startTestChain(B)]);
    ({ address: verifier } = await deployContract(
      { walletClient: l1.wallets[0]!, publicClient: l1.publicClient },
      {
        abi: aggregationVerifierTestAbi,
        bytecode: aggregationVerifierTestBytecode,
        args: [],
        name: 'AggregationVerifierTest',
      },
    ));
    ({ address: hub } = await deployInteropHub(
      { walletClient: l1.wallets[0]!, publicClient: l1.publicClient },
      { verifier, sharedDepth: TEST_SHARED_DEPTH, k: TEST_K },
    ));
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
    await Promise.all([l1?.stop(), a?.stop(), b?.stop()]);
  });

  it('settles a chain of two proven epochs, refusing tampered proofs and public inputs', async () => {
    // epoch 1: one batch of each chain
    const e1 = [commitments(BigInt(A), 0n, b32(111n)), commitments(BigInt(B), 0n, b32(222n))];
    const next1 = state.clone();
    const step1 = next1.apply(e1.map(toUpdate), TEST_SHAPE);
    const { proof, publicSignals } = await proveStep(step1);
    expect(publicSignals).toEqual([step1.oldRoot, step1.newRoot, step1.commitment]);
    const sigs1 = [await sign(OPERATOR_A, e1[0]!), await sign(OPERATOR_B, e1[1]!)];

    // tampered proof elements
    await expectRevert(
      submit(1n, b32(step1.oldRoot), b32(step1.newRoot), e1, sigs1, { ...proof, a: [proof.a[0], proof.a[1] + 1n] }),
      'InvalidProof',
    );
    await expectRevert(
      submit(1n, b32(step1.oldRoot), b32(step1.newRoot), e1, sigs1, { ...proof, c: [proof.c[1], proof.c[0]] }),
      'InvalidProof',
    );
    // tampered public inputs: the new root, and the commitment (a different, correctly signed batch root)
    await expectRevert(submit(1n, b32(step1.oldRoot), b32(step1.newRoot + 1n), e1, sigs1, proof), 'InvalidProof');
    const forged = [e1[0]!, commitments(BigInt(B), 0n, b32(223n))];
    await expectRevert(
      submit(
        1n,
        b32(step1.oldRoot),
        b32(step1.newRoot),
        forged,
        [sigs1[0]!, await sign(OPERATOR_B, forged[1]!)],
        proof,
      ),
      'InvalidProof',
    );
    // the same updates in another order are another commitment
    await expectRevert(
      submit(1n, b32(step1.oldRoot), b32(step1.newRoot), [e1[1]!, e1[0]!], [sigs1[1]!, sigs1[0]!], proof),
      'InvalidProof',
    );

    const hash = await submit(1n, b32(step1.oldRoot), b32(step1.newRoot), e1, sigs1, proof);
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    state.apply(e1.map(toUpdate), TEST_K);
    expect(await l1.publicClient.readContract({ address: hub, abi: interopHubAbi, functionName: 'sharedRoot' })).toBe(
      b32(state.sharedRoot),
    );

    // epoch 2 links to epoch 1: two batches of chain A (padding-free), and a replay of epoch 1's proof is refused
    await expectRevert(submit(2n, b32(step1.newRoot), b32(step1.newRoot), e1, sigs1, proof), 'NonConsecutiveBatch');
    const e2 = [commitments(BigInt(A), 1n, b32(333n)), commitments(BigInt(A), 2n, b32(444n))];
    const step2 = state.clone().apply(e2.map(toUpdate), TEST_SHAPE);
    const p2 = await proveStep(step2);
    const sigs2 = [await sign(OPERATOR_A, e2[0]!), await sign(OPERATOR_A, e2[1]!)];
    await expectRevert(submit(2n, b32(step2.oldRoot), b32(step2.newRoot), e2, sigs2, proof), 'InvalidProof');
    const ok = await submit(2n, b32(step2.oldRoot), b32(step2.newRoot), e2, sigs2, p2.proof);
    expect((await l1.publicClient.waitForTransactionReceipt({ hash: ok })).status).toBe('success');
    state.apply(e2.map(toUpdate), TEST_K);
    expect(
      await l1.publicClient.readContract({ address: hub, abi: interopHubAbi, functionName: 'rootAt', args: [2n] }),
    ).toBe(b32(state.sharedRoot));
  });

  it('carries a message end to end: L2 A -> batch -> L1 proof -> imported on L2 B -> executed', async () => {
    const depths = { batchDepth: TEST_BATCH_DEPTH, chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH };
    const stackA = await deployL2Stack({ walletClient: a.wallets[0]!, publicClient: a.publicClient }, depths);
    const stackB = await deployL2Stack({ walletClient: b.wallets[0]!, publicClient: b.publicClient }, depths);
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

    // chain app: seal batch 3 of chain A (0..2 were settled above), operator signs; hub: prove; L1: settle
    const batch = new BatchTree([messageLeaf(m!)], TEST_BATCH_DEPTH);
    const u = { ...commitments(BigInt(A), 3n, batch.root), messageCount: 1 };
    const step = state.clone().apply([toUpdate(u)], TEST_SHAPE);
    const { proof } = await proveStep(step);
    const epoch =
      (await l1.publicClient.readContract({ address: hub, abi: interopHubAbi, functionName: 'epoch' })) + 1n;
    const settled = await submit(epoch, b32(step.oldRoot), b32(step.newRoot), [u], [await sign(OPERATOR_A, u)], proof);
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash: settled });
    expect(receipt.status).toBe('success');
    state.apply([toUpdate(u)], TEST_K);
    const [log] = parseEventLogs({ abi: interopHubAbi, logs: receipt.logs, eventName: 'BatchSettled' });
    expect(log?.args).toEqual({ chainId: BigInt(A), batchNumber: 3n, batchRoot: batch.root, epoch });

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
      batchNumber: 3n,
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
