// Aggregation(K=2, CHAIN_DEPTH=3, SHARED_DEPTH=2) (circuits/src/aggregation.circom, the compiled test instance)
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
  TEST_K,
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

/** A state with A at batch 0 and B at batch 0, plus the step that produced it. */
function seeded(): { state: AggregationState; first: AggregationStepResult } {
  const state = new AggregationState(depths);
  const first = state.apply(
    [
      { ...A, batchNumber: 0n, batchRoot: root(1) },
      { ...B, batchNumber: 0n, batchRoot: root(2) },
    ],
    TEST_K,
  );
  return { state, first };
}

describe('valid steps', () => {
  it('a sequence of steps (first batches, padding, two batches of one chain, empty step) passes and matches libs/protocol', async () => {
    const { state, first } = seeded();
    const steps = [
      first,
      state.apply([{ ...A, batchNumber: 1n, batchRoot: root(3) }], TEST_K),
      state.apply(
        [
          { ...A, batchNumber: 2n, batchRoot: root(4) },
          { ...A, batchNumber: 3n, batchRoot: `0x${'ff'.repeat(32)}` },
        ],
        TEST_K,
      ),
      state.apply(
        [
          { ...B, batchNumber: 1n, batchRoot: root(5) },
          { slot: 1, chainId: 30n, batchNumber: 0n, batchRoot: root(6) },
        ],
        TEST_K,
      ),
      state.apply([], TEST_K),
    ];
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
    }
  });
});

describe('invalid steps', () => {
  it('wrong slot (same siblings, commitment recomputed) fails', async () => {
    const { state } = seeded();
    const step = state.apply([{ ...A, batchNumber: 1n, batchRoot: root(3) }], TEST_K);
    const lie: Update[] = [{ slot: 1, chainId: A.chainId, batchNumber: 1n, batchRoot: root(3) }];
    const input = { ...inputOf(step), slot: ['1', '0'], commitment: updatesCommitment(lie).toString() };
    expect(await accepts(input)).toBe(false);
  });

  it('wrong batch number / chain index (same siblings, commitment recomputed) fails', async () => {
    const { state } = seeded();
    const step = state.apply([{ ...A, batchNumber: 1n, batchRoot: root(3) }], TEST_K);
    const lie: Update[] = [{ ...A, batchNumber: 2n, batchRoot: root(3) }];
    const input = { ...inputOf(step), batchNumber: ['2', '0'], commitment: updatesCommitment(lie).toString() };
    expect(await accepts(input)).toBe(false);
  });

  it('overwriting a filled chain leaf (batch 0 again) fails', async () => {
    const { state } = seeded();
    const clone = state.clone();
    // Honest-looking witness of A's batch 1, then claim it is batch 0 (whose leaf is already filled).
    const step = clone.apply([{ ...A, batchNumber: 1n, batchRoot: root(3) }], TEST_K);
    const w = step.witnesses[0]!;
    const siblings0 = state.chainTree(A.chainId)!.proof(0).siblings;
    const newChainRoot = computePoseidonRoot(batchLeaf(root(3), 0n), 0, siblings0);
    const newRoot = computePoseidonRoot(chainLeaf(newChainRoot, A.chainId), A.slot, w.sharedSiblings);
    const input: CircuitInput = {
      ...inputOf(step),
      batchNumber: ['0', '0'],
      chainSiblings: [siblings0.map(String), step.witnesses[1]!.chainSiblings.map(String)],
      newRoot: newRoot.toString(),
      commitment: updatesCommitment([{ ...A, batchNumber: 0n, batchRoot: root(3) }]).toString(),
    };
    expect(await accepts(input)).toBe(false);
  });

  it('a first batch into a slot that is not empty (another chain holds it) fails', async () => {
    const { state } = seeded();
    const intruder: Update = { slot: A.slot, chainId: 99n, batchNumber: 0n, batchRoot: root(7) };
    // What the intruder would need: slot A treated as empty, chain tree empty.
    const fresh = new AggregationState(depths).apply([intruder], TEST_K);
    const sharedSiblings = state.sharedTree.siblings(A.slot);
    const newChainRoot = computePoseidonRoot(batchLeaf(root(7), 0n), 0, fresh.witnesses[0]!.chainSiblings);
    const newRoot = computePoseidonRoot(chainLeaf(newChainRoot, 99n), A.slot, sharedSiblings);
    const input: CircuitInput = {
      ...buildCircuitInput(
        [{ ...fresh.witnesses[0]!, sharedSiblings }, fresh.witnesses[1]!],
        state.sharedRoot,
        newRoot,
        updatesCommitment([intruder]),
      ),
    };
    expect(await accepts(input)).toBe(false);
  });

  it('a first batch whose chain tree is not empty (forged siblings) fails', async () => {
    const { state } = seeded();
    const C: Update = { slot: 1, chainId: 30n, batchNumber: 0n, batchRoot: root(8) };
    const step = state.clone().apply([C], TEST_K);
    const w = step.witnesses[0]!;
    const forged = [batchLeaf(root(9), 1n), w.chainSiblings[1]!, w.chainSiblings[2]!];
    const newChainRoot = computePoseidonRoot(batchLeaf(C.batchRoot, 0n), 0, forged);
    const newRoot = computePoseidonRoot(chainLeaf(newChainRoot, C.chainId), C.slot, w.sharedSiblings);
    const input = buildCircuitInput(
      [{ ...w, chainSiblings: forged }, step.witnesses[1]!],
      step.oldRoot,
      newRoot,
      step.commitment,
    );
    expect(await accepts(input)).toBe(false);
  });

  it('a wrong commitment fails', async () => {
    const { state } = seeded();
    const step = state.apply([{ ...B, batchNumber: 1n, batchRoot: root(3) }], TEST_K);
    expect(await accepts({ ...inputOf(step), commitment: (step.commitment + 1n).toString() })).toBe(false);
    // Committing to a different batch root than the one put in the tree fails too.
    const other = poseidon5(0n, BigInt(B.slot), B.chainId, 1n, toField(root(4)));
    expect(await accepts({ ...inputOf(step), commitment: other.toString() })).toBe(false);
  });

  it('a wrong old root fails', async () => {
    const { state, first } = seeded();
    const step = state.apply([{ ...A, batchNumber: 1n, batchRoot: root(3) }], TEST_K);
    expect(await accepts({ ...inputOf(step), oldRoot: first.oldRoot.toString() })).toBe(false);
    expect(await accepts({ ...inputOf(step), oldRoot: (step.oldRoot + 1n).toString() })).toBe(false);
  });

  it('padding that is not a suffix fails', async () => {
    const { state } = seeded();
    const step = state.apply([{ ...A, batchNumber: 1n, batchRoot: root(3) }], TEST_K);
    const ok = inputOf(step);
    const swap = <T>(xs: T[]): T[] => [xs[1]!, xs[0]!];
    const input: CircuitInput = {
      ...ok,
      enabled: swap(ok.enabled),
      slot: swap(ok.slot),
      chainId: swap(ok.chainId),
      batchNumber: swap(ok.batchNumber),
      batchRootField: swap(ok.batchRootField),
      chainSiblings: swap(ok.chainSiblings),
      sharedSiblings: swap(ok.sharedSiblings),
    };
    expect(await accepts(ok)).toBe(true);
    expect(await accepts(input)).toBe(false);
  });

  it('a non-boolean enabled fails', async () => {
    const { state } = seeded();
    const step = state.apply([{ ...A, batchNumber: 1n, batchRoot: root(3) }], TEST_K);
    expect(await accepts({ ...inputOf(step), enabled: ['2', '0'] })).toBe(false);
  });

  it('a batch number beyond the chain tree (2^CHAIN_DEPTH) fails the range check', async () => {
    const { state } = seeded();
    const step = state.apply([{ ...A, batchNumber: 1n, batchRoot: root(3) }], TEST_K);
    const big = 2n ** BigInt(TEST_CHAIN_DEPTH) + 1n; // same low bits as 1
    const input = {
      ...inputOf(step),
      batchNumber: [big.toString(), '0'],
      commitment: updatesCommitment([{ ...A, batchNumber: big, batchRoot: root(3) }]).toString(),
    };
    expect(await accepts(input)).toBe(false);
  });
});
