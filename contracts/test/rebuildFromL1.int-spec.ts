import { type Address, type Hex } from 'viem';
import {
  AggregationState,
  CHAIN_DEPTH,
  PRODUCTION_SHAPES,
  SHARED_DEPTH,
  shapeId,
  type AggregationShape,
} from '@interop/protocol';
import {
  deployAggregationVerifier,
  deployInteropHub,
  interopHubAbi,
  rebuildFromL1,
  RebuildMismatchError,
  type SolidityProofArgs,
} from '@interop/contracts';
import { ANVIL_PRIVATE_KEYS } from '../../libs/infra/src/testing/anvil';
import { argsOf, NO_PROOF, operatorSigner, prepareEpoch, rootOf, type BatchSpec } from './helpers/epochs';
import { deployFixture, fixtureAbi } from './helpers/fixtures';
import { circuitBuilt, shapeProver, type ShapeName, type ShapeProver } from './helpers/realProof';
import { startTestChain, type TestChain } from './helpers/testChain';

jest.setTimeout(600_000);

const L1_CHAIN_ID = 900;
const [A, B, C, D, E] = [701n, 702n, 703n, 704n, 705n];
const KEYS = new Map<bigint, Hex>([A, B, C, D, E].map((id, i) => [id, ANVIL_PRIVATE_KEYS[i + 1]!]));
const SHAPES: Record<ShapeName, AggregationShape> = PRODUCTION_SHAPES;
/** Real Groth16 proofs when both production circuits are built; otherwise ExpectInputs verifiers (see below). */
const REAL = circuitBuilt('s4') && circuitBuilt('l32');

const run = (chainId: bigint, from: number, to: number): BatchSpec[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ chainId, batchRoot: rootOf(`rebuild ${chainId}/${from + i}`) }));

/** Six epochs on both shapes: several chains per epoch, one chain in two groups (epochs 4 and 6), new chains late. */
const EPOCHS: { shape: ShapeName; batches: BatchSpec[] }[] = [
  { shape: 's4', batches: [...run(A, 0, 0), ...run(B, 0, 0)] },
  { shape: 'l32', batches: [...run(A, 1, 15), ...run(C, 0, 9)] },
  { shape: 's4', batches: [...run(A, 16, 17), ...run(B, 1, 1)] },
  { shape: 'l32', batches: run(B, 2, 20) },
  { shape: 's4', batches: [...run(D, 0, 0), ...run(C, 10, 10)] },
  { shape: 's4', batches: run(C, 11, 12) },
];

/**
 * Everything needed to rebuild every chain tree and the shared tree is on L1 (SPEC "L1 settlement"): settle epochs,
 * then rebuild with libs/contracts `rebuildFromL1` (viem + libs/protocol only: immutables, ChainRegistered,
 * ChainSettled and RootSubmitted logs, submitRoot calldata) and compare with what was aggregated.
 * The proofs are real when circuits/build/{s4,l32} exist; otherwise each shape's verifier is ExpectInputsVerifier
 * set to libs/protocol's public signals, which checks L1's side of the binding but proves nothing about the trees.
 */
describe(`rebuilding every tree from L1 alone (${REAL ? 'real proofs' : 'ExpectInputs verifiers, no circuit built'})`, () => {
  let l1: TestChain;
  let hub: Address;
  let deployedAt: bigint;
  let state = new AggregationState({ chainDepth: CHAIN_DEPTH, sharedDepth: SHARED_DEPTH });
  const slots = new Map<bigint, number>();
  const verifiers = new Map<ShapeName, Address>();
  const provers = new Map<ShapeName, ShapeProver>();
  const submitted: { epoch: bigint; batchRoots: Hex[] }[] = [];

  beforeAll(async () => {
    l1 = await startTestChain(L1_CHAIN_ID);
    const clients = { walletClient: l1.wallets[0]!, publicClient: l1.publicClient };
    for (const name of Object.keys(SHAPES) as ShapeName[]) {
      if (REAL) {
        verifiers.set(name, (await deployAggregationVerifier(clients, name)).address);
        provers.set(name, await shapeProver(name));
      } else {
        verifiers.set(name, await deployFixture(l1.wallets[0]!, l1.publicClient, 'ExpectInputsVerifier'));
      }
    }
    deployedAt = await l1.publicClient.getBlockNumber();
    ({ address: hub } = await deployInteropHub(clients, {
      sharedDepth: SHARED_DEPTH,
      chainDepth: CHAIN_DEPTH,
      shapes: (Object.keys(SHAPES) as ShapeName[]).map((name) => ({
        groups: SHAPES[name].k / SHAPES[name].groupSize,
        groupSize: SHAPES[name].groupSize,
        verifier: verifiers.get(name)!,
      })),
    }));
    for (const [i, chainId] of [A, B, C, D, E].entries()) {
      const hash = await l1.wallets[0]!.writeContract({
        address: hub,
        abi: interopHubAbi,
        functionName: 'registerChain',
        args: [chainId, l1.wallets[i + 1]!.account.address],
      });
      await l1.publicClient.waitForTransactionReceipt({ hash });
      slots.set(chainId, i);
    }
  });
  afterAll(async () => {
    await Promise.all([...provers.values()].map((p) => p.close()));
    await l1?.stop();
  });

  it('settles six epochs of both shapes', async () => {
    for (const [i, planned] of EPOCHS.entries()) {
      const epoch = BigInt(i + 1);
      const e = await prepareEpoch({
        state,
        slots,
        shape: SHAPES[planned.shape],
        batches: planned.batches,
        sign: operatorSigner(L1_CHAIN_ID, hub, KEYS),
      });
      expect(e.shapeId).toBe(shapeId(SHAPES[planned.shape]));
      let proof: SolidityProofArgs = NO_PROOF;
      const prover = provers.get(planned.shape);
      if (prover) {
        proof = (await prover.prove(e.step)).proof;
      } else {
        const s = e.step.publicSignals;
        const hash = await l1.wallets[0]!.writeContract({
          address: verifiers.get(planned.shape)!,
          abi: fixtureAbi('ExpectInputsVerifier'),
          functionName: 'expect',
          args: [[s.dataCommitment, s.challenge, s.evaluation]],
        });
        await l1.publicClient.waitForTransactionReceipt({ hash });
      }
      const hash = await l1.wallets[0]!.writeContract({
        address: hub,
        abi: interopHubAbi,
        functionName: 'submitRoot',
        args: argsOf(e, epoch, proof),
      });
      expect((await l1.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success');
      state = e.after;
      submitted.push({ epoch, batchRoots: planned.batches.map((b) => b.batchRoot) });
    }
    expect(await l1.publicClient.readContract({ address: hub, abi: interopHubAbi, functionName: 'epoch' })).toBe(6n);
  });

  it('rebuilds every chain tree and the shared tree, and matches every settled root, log and calldata', async () => {
    const rebuilt = await rebuildFromL1({
      publicClient: l1.publicClient,
      hub,
      fromBlock: deployedAt,
      checkCalldata: true,
    });
    expect(rebuilt.chainDepth).toBe(CHAIN_DEPTH);
    expect(rebuilt.sharedDepth).toBe(SHARED_DEPTH);
    expect(rebuilt.slots).toEqual(slots);
    expect(rebuilt.epochs.map((e) => e.epoch)).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    expect(rebuilt.epochs.map((e) => e.shapeId)).toEqual(EPOCHS.map((e) => shapeId(SHAPES[e.shape])));
    expect(rebuilt.epochs.every((e) => e.calldataChecked)).toBe(true);
    expect(rebuilt.epochs.map((e) => e.groups.flatMap((g) => g.batchRoots))).toEqual(
      submitted.map((s) => s.batchRoots),
    );
    // one chain in two groups: epoch 4 (B2..15 | B16..20) and epoch 6 (C11 | C12)
    expect(rebuilt.epochs[3]!.groups.map((g) => [g.chainId, g.firstBatch])).toEqual([
      [B, 2n],
      [B, 16n],
    ]);
    expect(rebuilt.epochs[5]!.groups.map((g) => [g.chainId, g.firstBatch])).toEqual([
      [C, 11n],
      [C, 12n],
    ]);
    // the same trees as the aggregator's
    expect([...rebuilt.chainTrees.keys()].sort()).toEqual([A, B, C, D].sort());
    for (const [chainId, tree] of rebuilt.chainTrees) {
      expect(tree.size).toBe(state.chainSize(chainId));
      expect(tree.root).toBe(state.chainRoot(chainId));
    }
    expect(rebuilt.sharedTree.root).toBe(state.sharedRoot);
    expect(rebuilt.sharedTree.get(slots.get(E)!)).toBe(0n); // registered, never settled: an empty slot
    const sharedRoot = await l1.publicClient.readContract({
      address: hub,
      abi: interopHubAbi,
      functionName: 'sharedRoot',
    });
    expect(BigInt(sharedRoot)).toBe(rebuilt.sharedTree.root);
    // an inclusion path of a settled batch, straight from the rebuilt trees
    const proof = rebuilt.chainTrees.get(B)!.proof(17);
    expect(proof.root).toBe(state.chainRoot(B));
  });

  it('reads logs in windows and notices a missing epoch', async () => {
    const windowed = await rebuildFromL1({ publicClient: l1.publicClient, hub, fromBlock: deployedAt, blockRange: 3n });
    expect(windowed.sharedTree.root).toBe(state.sharedRoot);
    expect(windowed.epochs.every((e) => !e.calldataChecked)).toBe(true);
    // starting after epoch 1 was settled, epoch 2 does not follow anything read
    const [first] = windowed.epochs;
    await expect(
      rebuildFromL1({ publicClient: l1.publicClient, hub, fromBlock: first!.blockNumber + 1n }),
    ).rejects.toBeInstanceOf(RebuildMismatchError);
  });
});
