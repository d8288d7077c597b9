import fc from 'fast-check';
import type { Hex } from 'viem';
import {
  EpochShapeError,
  InvalidAggregationWitnessError,
  InvalidSlotError,
  InvalidUpdateError,
  SlotConflictError,
  TooManyUpdatesError,
  UnexpectedBatchNumberError,
} from '../errors/aggregation';
import { TreeFullError } from '../errors/tree';
import { batchLeaf } from '../poseidon/batchLeaf';
import { chainLeaf } from '../poseidon/chainLeaf';
import { poseidon5 } from '../poseidon/poseidon';
import { poseidonZeroHashes } from '../poseidon/poseidonZeroHashes';
import { toField } from '../poseidon/toField';
import { ChainTree } from '../trees/ChainTree';
import { computePoseidonRoot } from '../trees/computePoseidonRoot';
import { SharedTree } from '../trees/SharedTree';
import { AggregationState } from './AggregationState';
import { groupUpdates, resolveShape } from './epochShape';
import { planEpochUpdates } from './planEpochUpdates';
import type { Update } from './types';
import { updatesCommitment } from './updatesCommitment';
import { verifyAggregationStep } from './verifyAggregationStep';

const depths = { chainDepth: 3, sharedDepth: 2 };
const root = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}`;
const CHAINS = [31337n, 31338n, 31339n, 31340n];

/** Random update sequences over up to 4 chains (chain i in slot i), several per chain per step. */
const stepsArb = fc.array(
  fc.record({ chains: fc.array(fc.nat(3), { maxLength: 4 }), k: fc.integer({ min: 1, max: 4 }) }),
  { minLength: 1, maxLength: 5 },
);

describe('updatesCommitment', () => {
  it('is 0 for no updates and chains P5 over the updates in order', () => {
    expect(updatesCommitment([])).toBe(0n);
    const a: Update = { slot: 1, chainId: 5n, batchNumber: 0n, batchRoot: root(9) };
    const b: Update = { slot: 2, chainId: 6n, batchNumber: 3n, batchRoot: `0x${'ff'.repeat(32)}` };
    const c1 = poseidon5(0n, 1n, 5n, 0n, 9n);
    expect(updatesCommitment([a])).toBe(c1);
    expect(updatesCommitment([a, b])).toBe(poseidon5(c1, 2n, 6n, 3n, toField(b.batchRoot)));
    expect(updatesCommitment([b, a])).not.toBe(updatesCommitment([a, b]));
  });
  it('rejects malformed updates with a typed error', () => {
    expect(() => updatesCommitment([{ slot: 0, chainId: -1n, batchNumber: 0n, batchRoot: root(1) }])).toThrow(
      InvalidUpdateError,
    );
    expect(() => updatesCommitment([{ slot: 0.5, chainId: 1n, batchNumber: 0n, batchRoot: root(1) }])).toThrow(
      InvalidUpdateError,
    );
    expect(() => updatesCommitment([{ slot: 0, chainId: 1n, batchNumber: 0n, batchRoot: '0x12' }])).toThrow(
      InvalidUpdateError,
    );
  });
});

describe('AggregationState', () => {
  it('applies one update like a hand-built chain tree and shared tree', () => {
    const state = new AggregationState(depths);
    const genesis = poseidonZeroHashes(2)[2];
    expect(state.sharedRoot).toBe(genesis);
    const step = state.apply([{ slot: 1, chainId: 31337n, batchNumber: 0n, batchRoot: root(42) }], 2);
    const chain = new ChainTree(3);
    chain.append(batchLeaf(root(42), 0n));
    const shared = new SharedTree(2);
    shared.set(1, chainLeaf(chain.root, 31337n));
    expect(step.oldRoot).toBe(genesis);
    expect(step.newRoot).toBe(shared.root);
    expect(state.sharedRoot).toBe(shared.root);
    expect(state.chainRoot(31337n)).toBe(chain.root);
    expect(state.chainSize(31337n)).toBe(1);
    expect(state.chainRoot(1n)).toBe(poseidonZeroHashes(3)[3]);
    expect(state.slotOf(31337n)).toBe(1);
    expect(state.chainTree(31337n)?.root).toBe(chain.root);
    expect(step.commitment).toBe(poseidon5(0n, 1n, 31337n, 0n, 42n));
    expect(step.witnesses).toHaveLength(2);
    const z = poseidonZeroHashes(3);
    expect(step.witnesses[0]).toEqual({
      enabled: [1],
      slot: 1,
      chainId: 31337n,
      firstBatch: 0n,
      batchRootFields: [42n],
      lowSiblings: [],
      upperSiblings: [z[0], z[1], z[2]],
      sharedSiblings: new SharedTree(2).siblings(1),
    });
    expect(step.witnesses[1]).toEqual({
      enabled: [0],
      slot: 0,
      chainId: 0n,
      firstBatch: 0n,
      batchRootFields: [0n],
      lowSiblings: [],
      upperSiblings: [z[0], z[1], z[2]],
      sharedSiblings: [0n, 0n],
    });
  });

  it('verifyAggregationStep reproduces newRoot and commitment for random sequences (property)', () => {
    fc.assert(
      fc.property(stepsArb, fc.integer({ min: 0, max: 1000 }), (steps, seed) => {
        const state = new AggregationState(depths);
        let n = seed;
        for (const { chains, k } of steps) {
          const next = new Map<bigint, bigint>();
          const updates: Update[] = chains.slice(0, k).flatMap((c) => {
            const chainId = CHAINS[c]!;
            const batchNumber = next.get(chainId) ?? BigInt(state.chainSize(chainId));
            if (batchNumber >= 8n) return [];
            next.set(chainId, batchNumber + 1n);
            return [{ slot: c, chainId, batchNumber, batchRoot: root(n++) }];
          });
          const before = state.clone();
          const step = state.apply(updates, k);
          expect(step.oldRoot).toBe(before.sharedRoot);
          expect(step.witnesses).toHaveLength(k);
          expect(step.witnesses.flatMap((w) => w.enabled).filter((e) => e === 1)).toHaveLength(updates.length);
          const verified = verifyAggregationStep(step.oldRoot, step.witnesses, depths);
          expect(verified).toEqual({ newRoot: step.newRoot, commitment: step.commitment });
          expect(step.commitment).toBe(updatesCommitment(updates));
          expect(step.newRoot).toBe(state.sharedRoot);
          // The clone taken before the step did not move.
          expect(before.sharedRoot).toBe(step.oldRoot);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('handles several batches of one chain in one step', () => {
    const state = new AggregationState(depths);
    const updates: Update[] = [0, 1, 2].map((i) => ({
      slot: 0,
      chainId: 7n,
      batchNumber: BigInt(i),
      batchRoot: root(i + 1),
    }));
    const step = state.apply(updates, 3);
    expect(state.chainSize(7n)).toBe(3);
    expect(verifyAggregationStep(step.oldRoot, step.witnesses, depths).newRoot).toBe(step.newRoot);
  });

  it('validates updates and leaves the state unchanged on rejection', () => {
    const state = new AggregationState(depths);
    state.apply([{ slot: 0, chainId: 1n, batchNumber: 0n, batchRoot: root(1) }], 2);
    const rootBefore = state.sharedRoot;
    const u = (slot: number, chainId: bigint, batchNumber: bigint): Update => ({
      slot,
      chainId,
      batchNumber,
      batchRoot: root(5),
    });
    expect(() => state.apply([u(0, 1n, 1n), u(0, 1n, 2n), u(0, 1n, 3n)], 2)).toThrow(TooManyUpdatesError);
    expect(() => state.apply([u(4, 2n, 0n)], 2)).toThrow(InvalidSlotError);
    expect(() => state.apply([u(0, 2n, 0n)], 2)).toThrow(SlotConflictError);
    expect(() => state.apply([u(1, 1n, 1n)], 2)).toThrow(SlotConflictError);
    expect(() => state.apply([u(1, 2n, 0n), u(1, 3n, 0n)], 2)).toThrow(SlotConflictError);
    expect(() => state.apply([u(0, 1n, 2n)], 2)).toThrow(UnexpectedBatchNumberError);
    expect(() => state.apply([u(0, 1n, 1n), u(0, 1n, 1n)], 2)).toThrow(UnexpectedBatchNumberError);
    expect(() => state.apply([{ ...u(1, 2n, 0n), batchRoot: '0x01' }], 2)).toThrow(InvalidUpdateError);
    expect(state.sharedRoot).toBe(rootBefore);
    expect(state.chainSize(1n)).toBe(1);
    expect(state.chainSize(2n)).toBe(0);
    const full = new AggregationState({ chainDepth: 1, sharedDepth: 1 });
    full.apply([u(0, 1n, 0n), u(0, 1n, 1n)], 2);
    expect(() => full.apply([u(0, 1n, 2n)], 2)).toThrow(TreeFullError);
  });
});

describe('verifyAggregationStep', () => {
  const shape = { k: 4, groupSize: 2 };
  const state = new AggregationState(depths);
  state.apply([{ slot: 2, chainId: 9n, batchNumber: 0n, batchRoot: root(3) }], shape);
  const step = state.apply([{ slot: 2, chainId: 9n, batchNumber: 1n, batchRoot: root(4) }], shape);

  it('passes empty groups through', () => {
    const padOnly = verifyAggregationStep(step.newRoot, [step.witnesses[1]!], depths);
    expect(padOnly).toEqual({ newRoot: step.newRoot, commitment: 0n });
  });
  it('rejects a wrong old root, tampered siblings, wrong lengths and padding before an update', () => {
    expect(() => verifyAggregationStep(step.oldRoot + 1n, step.witnesses, depths)).toThrow(
      InvalidAggregationWitnessError,
    );
    const w = step.witnesses[0]!;
    const tampered = { ...w, upperSiblings: [w.upperSiblings[0]! + 1n, ...w.upperSiblings.slice(1)] };
    expect(() => verifyAggregationStep(step.oldRoot, [tampered], depths)).toThrow(InvalidAggregationWitnessError);
    expect(() => verifyAggregationStep(step.oldRoot, [{ ...w, sharedSiblings: [0n] }], depths)).toThrow(
      InvalidAggregationWitnessError,
    );
    expect(() => verifyAggregationStep(step.oldRoot, [step.witnesses[1]!, w], depths)).toThrow(
      InvalidAggregationWitnessError,
    );
    expect(() => verifyAggregationStep(step.oldRoot, [{ ...w, enabled: [0, 1] }], depths)).toThrow(/suffix/);
    expect(() => verifyAggregationStep(step.oldRoot, [{ ...w, firstBatch: 0n }], depths)).toThrow(
      InvalidAggregationWitnessError,
    );
    // Two updates from position 1 would cross the block [0, 2).
    expect(() =>
      verifyAggregationStep(step.oldRoot, [{ ...w, enabled: [1, 1], batchRootFields: [4n, 5n] }], depths),
    ).toThrow(/cross/);
    // A low sibling right of the path must be empty.
    const s2 = state.clone();
    const w2 = s2.apply([{ slot: 2, chainId: 9n, batchNumber: 2n, batchRoot: root(5) }], shape).witnesses[0]!;
    expect(() => verifyAggregationStep(step.newRoot, [{ ...w2, lowSiblings: [7n] }], depths)).toThrow(/empty/);
  });
  it('its chain path opens to the old chain root with an empty leaf', () => {
    const w = step.witnesses[0]!;
    const chain = new ChainTree(3);
    chain.append(batchLeaf(root(3), 0n));
    expect(computePoseidonRoot(0n, 1, [...w.lowSiblings, ...w.upperSiblings])).toBe(chain.root);
  });
});

describe('epoch shape', () => {
  const u = (chainId: bigint, batchNumber: bigint): Update => ({
    slot: Number(chainId % 4n),
    chainId,
    batchNumber,
    batchRoot: root(Number(chainId * 100n + batchNumber)),
  });

  it('resolveShape checks groupSize and treats a number as groups of 1', () => {
    expect(resolveShape(3)).toEqual({ k: 3, groupSize: 1, groups: 3, log2GroupSize: 0 });
    expect(resolveShape({ k: 32, groupSize: 16 })).toEqual({ k: 32, groupSize: 16, groups: 2, log2GroupSize: 4 });
    expect(() => resolveShape({ k: 6, groupSize: 4 })).toThrow(EpochShapeError);
    expect(() => resolveShape({ k: 6, groupSize: 3 })).toThrow(EpochShapeError);
    expect(() => resolveShape(0)).toThrow(EpochShapeError);
  });

  it('groupUpdates splits on chain change, full group, block start and gaps', () => {
    const sizes = (us: Update[], m: number) => groupUpdates(us, m).map((g) => g.map((x) => Number(x.batchNumber)));
    expect(sizes([u(1n, 1n), u(1n, 2n), u(1n, 3n), u(1n, 4n), u(2n, 0n)], 4)).toEqual([[1, 2, 3], [4], [0]]);
    expect(sizes([u(1n, 0n), u(1n, 1n), u(1n, 2n)], 2)).toEqual([[0, 1], [2]]);
    expect(sizes([u(1n, 0n), u(2n, 0n), u(1n, 1n)], 2)).toEqual([[0], [0], [1]]);
    expect(sizes([u(1n, 0n), u(1n, 2n)], 4)).toEqual([[0], [2]]);
    expect(sizes([], 2)).toEqual([]);
  });

  it('apply refuses lists needing more groups than the shape has, leaving the state unchanged', () => {
    const state = new AggregationState(depths);
    const before = state.sharedRoot;
    expect(() => state.apply([u(1n, 0n), u(2n, 0n), u(1n, 1n)], { k: 4, groupSize: 2 })).toThrow(EpochShapeError);
    expect(state.sharedRoot).toBe(before);
    // The same updates ordered by chain fit two groups, and give the same root as groups of 1.
    const ok = state.clone().apply([u(1n, 0n), u(1n, 1n), u(2n, 0n)], { k: 4, groupSize: 2 });
    const flat = state.clone().apply([u(1n, 0n), u(1n, 1n), u(2n, 0n)], 4);
    expect(ok.newRoot).toBe(flat.newRoot);
    expect(ok.commitment).toBe(flat.commitment);
    expect(ok.witnesses).toHaveLength(2);
  });

  it('grouped steps verify for random sequences planned by planEpochUpdates (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 4, maxLength: 4 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.constantFrom({ k: 4, groupSize: 2 }, { k: 4, groupSize: 4 }, { k: 8, groupSize: 2 }),
        (waves, shape) => {
          const state = new AggregationState(depths);
          const waiting = new Map<bigint, bigint>(); // chainId -> batches produced so far
          for (const wave of waves) {
            wave.forEach((n, c) => {
              const id = CHAINS[c]!;
              waiting.set(id, BigInt(Math.min(8, Number(waiting.get(id) ?? 0n) + n)));
            });
            const pending = CHAINS.map((chainId, c) => {
              const produced = waiting.get(chainId) ?? 0n;
              const next = BigInt(state.chainSize(chainId));
              const batches: Update[] = [];
              for (let b = next; b < produced; b++) batches.push({ ...u(chainId, b), slot: c });
              return { chainId, nextBatch: next, batches };
            });
            const updates = planEpochUpdates(pending, shape);
            expect(updates.length).toBeLessThanOrEqual(shape.k);
            const before = state.sharedRoot;
            const step = state.apply(updates, shape);
            expect(step.oldRoot).toBe(before);
            expect(verifyAggregationStep(step.oldRoot, step.witnesses, depths)).toEqual({
              newRoot: step.newRoot,
              commitment: updatesCommitment(updates),
            });
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('planEpochUpdates', () => {
  type B = { batchNumber: bigint; tag: string };
  const run = (tag: string, from: number, to: number): B[] =>
    Array.from({ length: to - from }, (_, i) => ({ batchNumber: BigInt(from + i), tag }));
  const tags = (bs: B[]) => bs.map((b) => `${b.tag}${b.batchNumber}`);

  it('gives each chain one group per turn, ending groups at block boundaries', () => {
    const plan = planEpochUpdates(
      [
        { chainId: 1n, nextBatch: 1n, batches: run('a', 1, 6) },
        { chainId: 2n, nextBatch: 0n, batches: run('b', 0, 2) },
      ],
      { k: 4, groupSize: 2 },
    );
    // a1 ends block [0, 2); b0 b1 fill a group; no group left for a2.
    expect(tags(plan)).toEqual(['a1', 'b0', 'b1']);
    const more = planEpochUpdates([{ chainId: 1n, nextBatch: 1n, batches: run('a', 1, 6) }], { k: 6, groupSize: 2 });
    expect(tags(more)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
  });

  it('takes only the consecutive run from the next batch number, ignores duplicates and order', () => {
    const batches = [...run('a', 4, 5), ...run('a', 2, 3), ...run('a', 2, 3), ...run('a', 0, 1)];
    expect(tags(planEpochUpdates([{ chainId: 1n, nextBatch: 2n, batches }], { k: 4, groupSize: 4 }))).toEqual(['a2']);
    expect(planEpochUpdates([{ chainId: 1n, nextBatch: 5n, batches }], { k: 4, groupSize: 4 })).toEqual([]);
  });

  it('fills full groups at saturation and serves chains in the given order', () => {
    const pending = [3n, 1n, 2n].map((chainId) => ({
      chainId,
      nextBatch: 0n,
      batches: run(`c${chainId}-`, 0, 40),
    }));
    const plan = planEpochUpdates(pending, { k: 32, groupSize: 16 });
    expect(plan).toHaveLength(32);
    expect(tags(plan.slice(0, 16)).every((t) => t.startsWith('c3-'))).toBe(true);
    expect(tags(plan.slice(16)).every((t) => t.startsWith('c1-'))).toBe(true);
    expect(
      groupUpdates(
        plan.map((b, i) => ({ ...b, chainId: i < 16 ? 3n : 1n })),
        16,
      ),
    ).toHaveLength(2);
  });
});
