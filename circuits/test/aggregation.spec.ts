// Aggregation(G=2, M=2, CHAIN_DEPTH=3, SHARED_DEPTH=2) (circuits/src/aggregation.circom, the compiled test instance)
// against libs/protocol AggregationState / verifyAggregationStep: valid steps pass and reproduce libs/protocol's
// newRoot and commitment; each kind of lie fails.
import path from 'node:path';

import {
  AggregationState,
  batchLeaf,
  chainLeaf,
  computePoseidonRoot,
  poseidon5,
  TEST_CHAIN_DEPTH,
  TEST_SHAPE,
  TEST_SHARED_DEPTH,
  toField,
  updatesCommitment,
  verifyAggregationStep,
  type AggregationStepResult,
  type Update,
} from '@interop/protocol';
import { buildCircuitInput, type CircuitInput } from '@interop/prover';
import { ensureTestCircuit } from '@interop/prover/testing/ensureTestCircuit';
import { releaseSnarkjs } from '@interop/prover/testing/releaseSnarkjs';

import { checkConstraints, witness, type Circuit } from './witness';

jest.setTimeout(20 * 60_000);

const depths = { chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH };
let circuit: Circuit;

beforeAll(async () => {
  const a = await ensureTestCircuit('test');
  circuit = { wasm: a.wasm, r1cs: a.r1cs, calculator: path.join(path.dirname(a.wasm), 'witness_calculator.js') };
});

afterAll(releaseSnarkjs);

const root = (n: number): `0x${string}` => `0x${n.toString(16).padStart(2, '0').repeat(32)}`;
const A = { slot: 0, chainId: 10n };
const B = { slot: 2, chainId: 20n };
const C = { slot: 1, chainId: 30n };
const up = (c: { slot: number; chainId: bigint }, batchNumber: number, r: number): Update => ({
  ...c,
  batchNumber: BigInt(batchNumber),
  batchRoot: root(r),
});

function inputOf(step: AggregationStepResult): CircuitInput {
  return buildCircuitInput(step.witnesses, step.oldRoot, step.newRoot, step.commitment);
}

/** The circuit accepts iff the witness calculator's asserts pass; newRoot/commitment are public inputs checked
 * with ===, so acceptance with libs/protocol's values means the circuit computed exactly those. */
async function accepts(input: CircuitInput): Promise<boolean> {
  try {
    await witness(circuit, input);
    return true;
  } catch {
    return false;
  }
}

/** A state with A at batches 0..1 and B at batch 0 (one step: groups [A0, A1], [B0]). */
function seeded(): { state: AggregationState; first: AggregationStepResult } {
  const state = new AggregationState(depths);
  const first = state.apply([up(A, 0, 1), up(A, 1, 2), up(B, 0, 3)], TEST_SHAPE);
  return { state, first };
}

describe('valid steps', () => {
  it('a sequence of steps (full and partial groups, offsets inside blocks, empty step) passes and matches libs/protocol', async () => {
    const { state, first } = seeded();
    const steps = [
      first,
      // [A2] at block [2, 4) offset 0, [B1] at block [0, 2) offset 1.
      state.apply([up(A, 2, 4), up(B, 1, 5)], TEST_SHAPE),
      // [A3] ends block [2, 4), [A4, A5] fill block [4, 6).
      state.apply([up(A, 3, 6), up(A, 4, 7), { ...up(A, 5, 0), batchRoot: `0x${'ff'.repeat(32)}` }], TEST_SHAPE),
      // [B2, B3], then a new chain's first batch [C0].
      state.apply([up(B, 2, 8), up(B, 3, 9), up(C, 0, 10)], TEST_SHAPE),
      state.apply([], TEST_SHAPE),
    ];
    expect(steps[2]!.witnesses.map((w) => w.enabled)).toEqual([
      [1, 0],
      [1, 1],
    ]);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.oldRoot).toBe(steps[i - 1]!.newRoot);
    for (const step of steps) {
      expect(verifyAggregationStep(step.oldRoot, step.witnesses, depths)).toEqual({
        newRoot: step.newRoot,
        commitment: step.commitment,
      });
      const input = inputOf(step);
      expect(await accepts(input)).toBe(true);
      // ... and the witness satisfies every R1CS constraint, not only the witness generator's asserts.
      expect(await checkConstraints(circuit, input as unknown as Record<string, unknown>)).toBe(true);
      // The same step with any other newRoot or commitment is rejected: the circuit's values are libs/protocol's.
      expect(await accepts({ ...input, newRoot: (step.newRoot + 1n).toString() })).toBe(false);
      expect(await accepts({ ...input, commitment: (step.commitment + 1n).toString() })).toBe(false);
    }
  });
});

describe('invalid steps', () => {
  it('wrong slot (same siblings, commitment recomputed) fails', async () => {
    const { state } = seeded();
    const step = state.apply([up(A, 2, 4)], TEST_SHAPE);
    const lie: Update[] = [{ ...up(A, 2, 4), slot: 1 }];
    const input = { ...inputOf(step), slot: ['1', '0'], commitment: updatesCommitment(lie).toString() };
    expect(await accepts(input)).toBe(false);
  });

  it('wrong index: another first batch number (same siblings, commitment recomputed) fails', async () => {
    const { state } = seeded();
    const step = state.apply([up(B, 1, 4)], TEST_SHAPE);
    const lie: Update[] = [up(B, 3, 4)];
    const input = { ...inputOf(step), firstBatch: ['3', '0'], commitment: updatesCommitment(lie).toString() };
    expect(await accepts(input)).toBe(false);
  });

  it('a non-empty slot: overwriting a filled chain leaf fails', async () => {
    const { state } = seeded();
    // A holds batches 0 and 1. Claim batch 1 again: the path of leaf 1 (sibling = leaf 0) with leaf 1 "empty".
    const tree = state.chainTree(A.chainId)!;
    const proof1 = tree.proof(1);
    const w = state.clone().apply([up(A, 2, 5)], TEST_SHAPE).witnesses[0]!;
    const forgedChain = computePoseidonRoot(batchLeaf(root(5), 1n), 1, proof1.siblings);
    const newRoot = computePoseidonRoot(chainLeaf(forgedChain, A.chainId), A.slot, w.sharedSiblings);
    const input = buildCircuitInput(
      [{ ...w, firstBatch: 1n, lowSiblings: proof1.siblings.slice(0, 1), upperSiblings: proof1.siblings.slice(1) }],
      state.sharedRoot,
      newRoot,
      updatesCommitment([up(A, 1, 5)]),
    );
    const padded = { ...input, ...padGroup(input, state) };
    expect(await accepts(padded)).toBe(false);
    // A non-empty position to the right of the new leaf inside the block is refused too: claim B's batch 0 slot
    // (filled) is free by pretending B starts over at position 0 with its real right neighbour... B holds only 0,
    // so use A's block [0, 2) from position 0 with lowSiblings[0] = leaf 1 (must be Z(0) = 0 on the right).
    const proof0 = tree.proof(0);
    const input2 = buildCircuitInput(
      [{ ...w, firstBatch: 0n, lowSiblings: proof0.siblings.slice(0, 1), upperSiblings: proof0.siblings.slice(1) }],
      state.sharedRoot,
      newRoot,
      updatesCommitment([up(A, 0, 5)]),
    );
    expect(await accepts({ ...input2, ...padGroup(input2, state) })).toBe(false);
  });

  it('a first batch into a slot that is not empty (another chain holds it) fails', async () => {
    const { state } = seeded();
    const intruder: Update = { slot: A.slot, chainId: 99n, batchNumber: 0n, batchRoot: root(7) };
    const fresh = new AggregationState(depths).apply([intruder], TEST_SHAPE);
    const sharedSiblings = state.sharedTree.siblings(A.slot);
    const w = fresh.witnesses[0]!;
    const newChainRoot = computePoseidonRoot(batchLeaf(root(7), 0n), 0, [...w.lowSiblings, ...w.upperSiblings]);
    const newRoot = computePoseidonRoot(chainLeaf(newChainRoot, 99n), A.slot, sharedSiblings);
    const input = buildCircuitInput(
      [{ ...w, sharedSiblings }, fresh.witnesses[1]!],
      state.sharedRoot,
      newRoot,
      updatesCommitment([intruder]),
    );
    expect(await accepts(input)).toBe(false);
  });

  it('a first batch whose chain tree is not empty (forged siblings) fails', async () => {
    const { state } = seeded();
    const step = state.clone().apply([up(C, 0, 8)], TEST_SHAPE);
    const w = step.witnesses[0]!;
    // Upper siblings claiming block [2, 4) already holds something.
    const forgedUpper = [batchLeaf(root(9), 2n), w.upperSiblings[1]!];
    const newChainRoot = computePoseidonRoot(batchLeaf(root(8), 0n), 0, [...w.lowSiblings, ...forgedUpper]);
    const newRoot = computePoseidonRoot(chainLeaf(newChainRoot, C.chainId), C.slot, w.sharedSiblings);
    const input = buildCircuitInput(
      [{ ...w, upperSiblings: forgedUpper }, step.witnesses[1]!],
      step.oldRoot,
      newRoot,
      step.commitment,
    );
    expect(await accepts(input)).toBe(false);
  });

  it('a wrong commitment fails', async () => {
    const { state } = seeded();
    const step = state.apply([up(B, 1, 3)], TEST_SHAPE);
    expect(await accepts({ ...inputOf(step), commitment: (step.commitment + 1n).toString() })).toBe(false);
    // Committing to a different batch root than the one put in the tree fails too.
    const other = poseidon5(0n, BigInt(B.slot), B.chainId, 1n, toField(root(4)));
    expect(await accepts({ ...inputOf(step), commitment: other.toString() })).toBe(false);
  });

  it('a wrong old root fails', async () => {
    const { state, first } = seeded();
    const step = state.apply([up(A, 2, 3)], TEST_SHAPE);
    expect(await accepts({ ...inputOf(step), oldRoot: first.oldRoot.toString() })).toBe(false);
    expect(await accepts({ ...inputOf(step), oldRoot: (step.oldRoot + 1n).toString() })).toBe(false);
  });

  it('a group mixing two chains fails', async () => {
    const { state } = seeded();
    // Honest: [A2] and [B1] in two groups. Lie: both in group 0 (the group has one slot and chainId).
    const step = state.clone().apply([up(A, 2, 4), up(B, 1, 5)], TEST_SHAPE);
    const ok = inputOf(step);
    const input: CircuitInput = {
      ...ok,
      enabled: [
        ['1', '1'],
        ['0', '0'],
      ],
      batchRootField: [
        [ok.batchRootField[0]![0]!, ok.batchRootField[1]![0]!],
        ['0', '0'],
      ],
      slot: [ok.slot[0]!, '0'],
      chainId: [ok.chainId[0]!, '0'],
      firstBatch: [ok.firstBatch[0]!, '0'],
      lowSiblings: [ok.lowSiblings[0]!, ['0']],
      upperSiblings: [ok.upperSiblings[0]!, emptyUpper()],
      sharedSiblings: [ok.sharedSiblings[0]!, ['0', '0']],
    };
    expect(await accepts(ok)).toBe(true);
    expect(await accepts(input)).toBe(false);
  });

  it('a group crossing an alignment boundary fails', async () => {
    const state = new AggregationState(depths);
    state.apply([up(A, 0, 1)], TEST_SHAPE);
    // [A1, A2] would write positions 1 and 2: block [0, 2) and block [2, 4). The shape refuses it in TS ...
    const lie = [up(A, 1, 2), up(A, 2, 3)];
    expect(() => state.clone().apply(lie, { k: 2, groupSize: 2 })).toThrow(/epoch shape/);
    // ... and the circuit refuses the group that commits to both while the block subtree only has room for A1
    // (A2 would fall off the subtree): the root of [A1] alone with the commitment of [A1, A2].
    const onlyA1 = state.clone().apply([up(A, 1, 2)], TEST_SHAPE);
    const w = onlyA1.witnesses;
    const input = buildCircuitInput(
      [{ ...w[0]!, enabled: [1, 1], batchRootFields: [toField(root(2)), toField(root(3))] }, w[1]!],
      onlyA1.oldRoot,
      onlyA1.newRoot,
      updatesCommitment(lie),
    );
    expect(await accepts(inputOf(onlyA1))).toBe(true);
    expect(await accepts(input)).toBe(false);
  });

  it('a real update after padding fails (inside a group and as a group after an empty one)', async () => {
    const { state } = seeded();
    const step = state.apply([up(A, 2, 3)], TEST_SHAPE);
    const ok = inputOf(step);
    expect(await accepts(ok)).toBe(true);
    expect(
      await accepts({
        ...ok,
        enabled: [
          ['0', '1'],
          ['0', '0'],
        ],
      }),
    ).toBe(false);
    const swap = <T>(xs: T[]): T[] => [xs[1]!, xs[0]!];
    const groupsSwapped: CircuitInput = {
      ...ok,
      enabled: swap(ok.enabled),
      slot: swap(ok.slot),
      chainId: swap(ok.chainId),
      firstBatch: swap(ok.firstBatch),
      batchRootField: swap(ok.batchRootField),
      lowSiblings: swap(ok.lowSiblings),
      upperSiblings: swap(ok.upperSiblings),
      sharedSiblings: swap(ok.sharedSiblings),
    };
    expect(await accepts(groupsSwapped)).toBe(false);
  });

  it('a non-boolean enabled fails', async () => {
    const { state } = seeded();
    const step = state.apply([up(A, 2, 3)], TEST_SHAPE);
    expect(
      await accepts({
        ...inputOf(step),
        enabled: [
          ['2', '0'],
          ['0', '0'],
        ],
      }),
    ).toBe(false);
  });

  it('a first batch number beyond the chain tree (2^CHAIN_DEPTH) fails the range check', async () => {
    const { state } = seeded();
    const step = state.apply([up(A, 2, 3)], TEST_SHAPE);
    const big = 2n ** BigInt(TEST_CHAIN_DEPTH) + 2n; // same low bits as 2
    const input = {
      ...inputOf(step),
      firstBatch: [big.toString(), '0'],
      commitment: updatesCommitment([{ ...up(A, 2, 3), batchNumber: big }]).toString(),
    };
    expect(await accepts(input)).toBe(false);
  });
});

/** The empty chain tree's upper siblings (what an empty group carries). */
function emptyUpper(): string[] {
  const pad = new AggregationState(depths).apply([], TEST_SHAPE).witnesses[0]!;
  return pad.upperSiblings.map(String);
}

/** Makes a one-group input two groups long with an empty second group. */
function padGroup(input: CircuitInput, state: AggregationState): Partial<CircuitInput> {
  const pad = buildCircuitInput(state.clone().apply([], TEST_SHAPE).witnesses, 0n, 0n, 0n);
  const two = <T>(xs: T[], p: T[]): T[] => (xs.length >= 2 ? xs : [xs[0]!, p[1]!]);
  return {
    enabled: two(input.enabled, pad.enabled),
    slot: two(input.slot, pad.slot),
    chainId: two(input.chainId, pad.chainId),
    firstBatch: two(input.firstBatch, pad.firstBatch),
    batchRootField: two(input.batchRootField, pad.batchRootField),
    lowSiblings: two(input.lowSiblings, pad.lowSiblings),
    upperSiblings: two(input.upperSiblings, pad.upperSiblings),
    sharedSiblings: two(input.sharedSiblings, pad.sharedSiblings),
  };
}
