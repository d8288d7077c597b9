// The aggregation template (circuits/src/aggregation.circom) with SMALL parameters, 2 groups of 2 at chain depth 3
// and shared depth 2 (test/circuits/aggregation_small*.circom), against libs/protocol AggregationState /
// verifyAggregationStep: valid steps pass and give exactly libs/protocol's epoch data and public signals; each kind
// of lie fails. The lies run on AggregationSteps (the tree constraints, data as outputs), so a rejection cannot come
// from the public signals. The production shapes are the same template at depths 20/10 (vectors.spec.ts).
import {
  AggregationState,
  batchLeaf,
  TEST_CHAIN_DEPTH,
  TEST_SHARED_DEPTH,
  toField,
  verifyAggregationStep,
  type AggregationStepResult,
  type EpochPublicSignals,
  type Update,
} from '@interop/protocol';
import { buildCircuitInput, type CircuitInput } from '@interop/prover';
import { releaseSnarkjs } from '@interop/prover/testing/releaseSnarkjs';

import { checkConstraints, compileHarness, witness, type Circuit } from './witness';

jest.setTimeout(20 * 60_000);

const depths = { chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH };
const SHAPE = { k: 4, groupSize: 2 };
/** Data vector length of the harness: 2 + G * (M + 2). */
const N = 2 + 2 * (2 + 2);
let circuit: Circuit;
let steps: Circuit;

beforeAll(() => {
  circuit = compileHarness('aggregation_small');
  steps = compileHarness('aggregation_small_steps');
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
/** Public signals for inputs of lies (AggregationSteps has none). */
const NO_SIGNALS: EpochPublicSignals = { dataCommitment: 0n, challenge: 0n, evaluation: 0n };

function inputOf(step: AggregationStepResult): CircuitInput {
  return buildCircuitInput(step.witnesses, step.oldRoot, step.publicSignals);
}

/** The full circuit accepts iff the witness calculator's asserts pass (the public signals are checked with ===). */
async function accepts(input: CircuitInput): Promise<boolean> {
  try {
    await witness(circuit, input);
    return true;
  } catch {
    return false;
  }
}

/** The input of AggregationSteps: the circuit input without its public signals. */
function stepsInput(input: CircuitInput): Record<string, unknown> {
  const { dataCommitment: _c, challenge: _z, evaluation: _y, ...rest } = input;
  return rest;
}

/** AggregationSteps' epoch data for `input`, or undefined when its tree constraints reject it. */
async function stepsData(input: CircuitInput): Promise<bigint[] | undefined> {
  try {
    const w = await witness(steps, stepsInput(input));
    return w.slice(1, 1 + N);
  } catch {
    return undefined;
  }
}

/** True iff the tree constraints accept the witness (whatever the public signals). */
async function stepsAccept(input: CircuitInput): Promise<boolean> {
  return (await stepsData(input)) !== undefined;
}

/** A state with A at batches 0..1 and B at batch 0 (one step: groups [A0, A1], [B0]). */
function seeded(): { state: AggregationState; first: AggregationStepResult } {
  const state = new AggregationState(depths);
  const first = state.apply([up(A, 0, 1), up(A, 1, 2), up(B, 0, 3)], SHAPE);
  return { state, first };
}

describe('valid steps', () => {
  it('a sequence of steps (full and partial groups, offsets inside blocks, empty step) passes and matches libs/protocol', async () => {
    const { state, first } = seeded();
    const steps = [
      first,
      // [A2] at block [2, 4) offset 0, [B1] at block [0, 2) offset 1.
      state.apply([up(A, 2, 4), up(B, 1, 5)], SHAPE),
      // [A3] ends block [2, 4), [A4, A5] fill block [4, 6).
      state.apply([up(A, 3, 6), up(A, 4, 7), { ...up(A, 5, 0), batchRoot: `0x${'ff'.repeat(32)}` }], SHAPE),
      // [B2, B3], then a new chain's first batch [C0].
      state.apply([up(B, 2, 8), up(B, 3, 9), up(C, 0, 10)], SHAPE),
      state.apply([], SHAPE),
    ];
    expect(steps[2]!.witnesses.map((w) => w.enabled)).toEqual([
      [1, 0],
      [1, 1],
    ]);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.oldRoot).toBe(steps[i - 1]!.newRoot);
    for (const step of steps) {
      expect(verifyAggregationStep(step.oldRoot, step.witnesses, depths)).toEqual({
        newRoot: step.newRoot,
        data: step.data,
      });
      const input = inputOf(step);
      expect(await accepts(input)).toBe(true);
      // ... and the witness satisfies every R1CS constraint, not only the witness generator's asserts.
      expect(await checkConstraints(circuit, input as unknown as Record<string, unknown>)).toBe(true);
      // Its epoch data is libs/protocol's, entry for entry.
      expect(await stepsData(input)).toEqual(step.data);
      // Any other public signal is rejected: the circuit's values are libs/protocol's.
      const bump = (x: string): string => (BigInt(x) + 1n).toString();
      expect(await accepts({ ...input, dataCommitment: bump(input.dataCommitment) })).toBe(false);
      expect(await accepts({ ...input, challenge: bump(input.challenge) })).toBe(false);
      expect(await accepts({ ...input, evaluation: bump(input.evaluation) })).toBe(false);
    }
  });
});

describe('invalid steps', () => {
  it('wrong slot (same siblings) fails', async () => {
    const { state } = seeded();
    const step = state.apply([up(A, 2, 4)], SHAPE);
    const input = { ...inputOf(step), slot: ['1', '0'] };
    expect(await stepsAccept(input)).toBe(false);
  });

  it('wrong index: another first batch number (same siblings) fails', async () => {
    const { state } = seeded();
    const step = state.apply([up(B, 1, 4)], SHAPE);
    const input = { ...inputOf(step), firstBatch: ['3', '0'] };
    expect(await stepsAccept(input)).toBe(false);
  });

  it('a non-empty slot: overwriting a filled chain leaf fails', async () => {
    const { state } = seeded();
    // A holds batches 0 and 1. Claim batch 1 again: the path of leaf 1 (sibling = leaf 0) with leaf 1 "empty".
    const tree = state.chainTree(A.chainId)!;
    const proof1 = tree.proof(1);
    const w = state.clone().apply([up(A, 2, 5)], SHAPE).witnesses[0]!;
    const input = buildCircuitInput(
      [{ ...w, firstBatch: 1n, lowSiblings: proof1.siblings.slice(0, 1), upperSiblings: proof1.siblings.slice(1) }],
      state.sharedRoot,
      NO_SIGNALS,
    );
    const padded = { ...input, ...padGroup(input, state) };
    expect(await stepsAccept(padded)).toBe(false);
    // A non-empty position to the right of the new leaf inside the block is refused too: claim B's batch 0 slot
    // (filled) is free by pretending B starts over at position 0 with its real right neighbour... B holds only 0,
    // so use A's block [0, 2) from position 0 with lowSiblings[0] = leaf 1 (must be Z(0) = 0 on the right).
    const proof0 = tree.proof(0);
    const input2 = buildCircuitInput(
      [{ ...w, firstBatch: 0n, lowSiblings: proof0.siblings.slice(0, 1), upperSiblings: proof0.siblings.slice(1) }],
      state.sharedRoot,
      NO_SIGNALS,
    );
    expect(await stepsAccept({ ...input2, ...padGroup(input2, state) })).toBe(false);
  });

  it('a first batch into a slot that is not empty (another chain holds it) fails', async () => {
    const { state } = seeded();
    const intruder: Update = { slot: A.slot, chainId: 99n, batchNumber: 0n, batchRoot: root(7) };
    const fresh = new AggregationState(depths).apply([intruder], SHAPE);
    const sharedSiblings = state.sharedTree.siblings(A.slot);
    const w = fresh.witnesses[0]!;
    const input = buildCircuitInput([{ ...w, sharedSiblings }, fresh.witnesses[1]!], state.sharedRoot, NO_SIGNALS);
    expect(await stepsAccept(input)).toBe(false);
  });

  it('a first batch whose chain tree is not empty (forged siblings) fails', async () => {
    const { state } = seeded();
    const step = state.clone().apply([up(C, 0, 8)], SHAPE);
    const w = step.witnesses[0]!;
    // Upper siblings claiming block [2, 4) already holds something.
    const forgedUpper = [batchLeaf(root(9), 2n), w.upperSiblings[1]!];
    const input = buildCircuitInput(
      [{ ...w, upperSiblings: forgedUpper }, step.witnesses[1]!],
      step.oldRoot,
      NO_SIGNALS,
    );
    expect(await stepsAccept(input)).toBe(false);
  });

  it('a witness whose data differs from the public signals fails, and padding never reaches the data', async () => {
    const { state } = seeded();
    const step = state.apply([up(B, 1, 3)], SHAPE);
    const honest = inputOf(step);
    // Another batch root in the tree: a valid step of its own (the trees accept it) but not the one the public
    // signals commit to, so the full circuit refuses it.
    const other: CircuitInput = {
      ...honest,
      batchRootField: [[toField(root(4)).toString(), '0'], honest.batchRootField[1]!],
    };
    expect(await stepsAccept(other)).toBe(true);
    expect(await accepts(other)).toBe(false);
    // A nonzero value in a padding slot changes nothing: the data has 0 there and the proof still verifies.
    const padded: CircuitInput = {
      ...honest,
      batchRootField: [
        [honest.batchRootField[0]![0]!, '5'],
        ['6', '7'],
      ],
    };
    expect(await stepsData(padded)).toEqual(step.data);
    expect(await accepts(padded)).toBe(true);
  });

  it('a chain id beyond 64 bits fails the header range check', async () => {
    const { state } = seeded();
    // A new chain's first batch into an empty slot: the trees accept any chain id there (L1 checks the registry),
    // so only the range check stops 2^64 + 30 from posing as chain 30 in the header.
    const wide = { ...up(C, 0, 8), chainId: C.chainId + (1n << 64n) };
    const honest = state.clone().apply([up(C, 0, 8)], SHAPE);
    const w = state.clone().apply([{ ...up(C, 0, 8), chainId: 99n }], SHAPE).witnesses;
    const input = buildCircuitInput([{ ...w[0]!, chainId: wide.chainId }, w[1]!], honest.oldRoot, NO_SIGNALS);
    expect(await stepsAccept(inputOf(honest))).toBe(true);
    expect(await stepsAccept(input)).toBe(false);
  });

  it('a wrong old root fails', async () => {
    const { state, first } = seeded();
    const step = state.apply([up(A, 2, 3)], SHAPE);
    expect(await stepsAccept({ ...inputOf(step), oldRoot: first.oldRoot.toString() })).toBe(false);
    expect(await stepsAccept({ ...inputOf(step), oldRoot: (step.oldRoot + 1n).toString() })).toBe(false);
  });

  it('a group mixing two chains fails against the honest public signals', async () => {
    const { state } = seeded();
    // Honest: [A2] and [B1] in two groups. Lie: both in group 0 (the group has one slot and chainId), i.e. B's root
    // filed as A's batch 3. As a tree step that is valid (A gets batches 2 and 3); what refuses it is that its data
    // (one group of A with two batches) is not the data L1 evaluates (two groups, the second B's).
    const step = state.clone().apply([up(A, 2, 4), up(B, 1, 5)], SHAPE);
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
    expect(await stepsAccept(input)).toBe(true);
    expect(await stepsData(input)).not.toEqual(step.data);
    expect(await accepts(input)).toBe(false);
  });

  it('a group crossing an alignment boundary fails', async () => {
    const state = new AggregationState(depths);
    state.apply([up(A, 0, 1)], SHAPE);
    // [A1, A2] would write positions 1 and 2: block [0, 2) and block [2, 4). The shape refuses it in TS ...
    const lie = [up(A, 1, 2), up(A, 2, 3)];
    expect(() => state.clone().apply(lie, { k: 2, groupSize: 2 })).toThrow(/epoch shape/);
    // ... and the circuit refuses the group that commits to both while the block subtree only has room for A1
    // (A2 would fall off the subtree).
    const onlyA1 = state.clone().apply([up(A, 1, 2)], SHAPE);
    const w = onlyA1.witnesses;
    const input = buildCircuitInput(
      [{ ...w[0]!, enabled: [1, 1], batchRootFields: [toField(root(2)), toField(root(3))] }, w[1]!],
      onlyA1.oldRoot,
      NO_SIGNALS,
    );
    expect(await stepsAccept(inputOf(onlyA1))).toBe(true);
    expect(await stepsAccept(input)).toBe(false);
  });

  it('a real update after padding fails (inside a group and as a group after an empty one)', async () => {
    const { state } = seeded();
    const step = state.apply([up(A, 2, 3)], SHAPE);
    const ok = inputOf(step);
    expect(await stepsAccept(ok)).toBe(true);
    expect(
      await stepsAccept({
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
    expect(await stepsAccept(groupsSwapped)).toBe(false);
  });

  it('a non-boolean enabled fails', async () => {
    const { state } = seeded();
    const step = state.apply([up(A, 2, 3)], SHAPE);
    expect(
      await stepsAccept({
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
    const step = state.apply([up(A, 2, 3)], SHAPE);
    const big = 2n ** BigInt(TEST_CHAIN_DEPTH) + 2n; // same low bits as 2
    const input = {
      ...inputOf(step),
      firstBatch: [big.toString(), '0'],
    };
    expect(await stepsAccept(input)).toBe(false);
  });
});

/** The empty chain tree's upper siblings (what an empty group carries). */
function emptyUpper(): string[] {
  const pad = new AggregationState(depths).apply([], SHAPE).witnesses[0]!;
  return pad.upperSiblings.map(String);
}

/** Makes a one-group input two groups long with an empty second group. */
function padGroup(input: CircuitInput, state: AggregationState): Partial<CircuitInput> {
  const pad = buildCircuitInput(state.clone().apply([], SHAPE).witnesses, 0n, NO_SIGNALS);
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
