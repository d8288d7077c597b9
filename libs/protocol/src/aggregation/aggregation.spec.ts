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
import { BN254_FIELD_ORDER } from '../poseidon/bn254FieldOrder';
import { poseidon5 } from '../poseidon/poseidon';
import { TAG_EPOCH } from '../poseidon/domainTags';
import { keccak256, concatHex, numberToHex } from 'viem';
import { poseidonZeroHashes } from '../poseidon/poseidonZeroHashes';
import { toField } from '../poseidon/toField';
import { ChainTree } from '../trees/ChainTree';
import { computePoseidonRoot } from '../trees/computePoseidonRoot';
import { SharedTree } from '../trees/SharedTree';
import { AggregationState } from './AggregationState';
import { groupUpdates, resolveShape } from './epochShape';
import { planEpochUpdates } from './planEpochUpdates';
import type { Update } from './types';
import { chooseEpochShape } from './chooseEpochShape';
import { epochData, groupHeader } from './epochData';
import { epochChallenge, epochDataCommitment, epochPublicSignals, evaluateEpochData } from './epochPublicSignals';
import { verifyAggregationStep } from './verifyAggregationStep';

const depths = { chainDepth: 3, sharedDepth: 2 };
const root = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}`;
const CHAINS = [31337n, 31338n, 31339n, 31340n];

/** Random update sequences over up to 4 chains (chain i in slot i), several per chain per step. */
const stepsArb = fc.array(
  fc.record({ chains: fc.array(fc.nat(3), { maxLength: 4 }), k: fc.integer({ min: 1, max: 4 }) }),
  { minLength: 1, maxLength: 5 },
);

describe('epoch data', () => {
  type Group = Parameters<typeof epochData>[2][number];
  const group = (over: Partial<Group> = {}): Group => ({
    slot: 1,
    chainId: 901n,
    firstBatch: 2n,
    chainRoot: 77n,
    batchRoots: [root(9), `0x${'ff'.repeat(32)}`],
    ...over,
  });

  it('packs the group header injectively and refuses oversized parts', () => {
    expect(groupHeader(1, 901n, 16n, 3)).toBe(3n + (16n << 32n) + (901n << 96n) + (1n << 160n));
    expect(groupHeader(0, 0n, 0n, 0)).toBe(0n);
    expect(() => groupHeader(0, 1n << 64n, 0n, 1)).toThrow(InvalidUpdateError);
    expect(() => groupHeader(0, 1n, 1n << 64n, 1)).toThrow(InvalidUpdateError);
    expect(() => groupHeader(2 ** 32, 1n, 0n, 1)).toThrow(InvalidUpdateError);
    expect(() => groupHeader(0, 1n, 0n, 2 ** 32)).toThrow(InvalidUpdateError);
  });

  it('lays out roots, headers, chain roots and zero padding as the SPEC says', () => {
    const d = epochData(5n, 6n, [group()], { k: 8, groupSize: 4 });
    expect(d).toHaveLength(2 + 2 * (4 + 2));
    expect(d.slice(0, 2)).toEqual([5n, 6n]);
    expect(d[2]).toBe(groupHeader(1, 901n, 2n, 2));
    expect(d[3]).toBe(77n);
    expect(d.slice(4, 8)).toEqual([9n, toField(`0x${'ff'.repeat(32)}`), 0n, 0n]);
    expect(d.slice(8)).toEqual(new Array(6).fill(0n));
  });

  it('refuses groups the shape cannot hold', () => {
    const shape = { k: 4, groupSize: 2 };
    expect(() => epochData(0n, 0n, [group(), group(), group()], shape)).toThrow(EpochShapeError);
    expect(() => epochData(0n, 0n, [group({ batchRoots: [] })], shape)).toThrow(EpochShapeError);
    expect(() => epochData(0n, 0n, [group({ firstBatch: 3n })], shape)).toThrow(/crosses/);
    expect(() => epochData(0n, 0n, [group({ chainRoot: BN254_FIELD_ORDER })], shape)).toThrow(InvalidUpdateError);
    expect(() => epochData(BN254_FIELD_ORDER, 0n, [group()], shape)).toThrow(InvalidUpdateError);
  });

  it('commits with a P5 chain from TAG_EPOCH, draws the challenge by keccak and evaluates by Horner', () => {
    const d = [1n, 2n, 3n, 4n, 5n];
    const c = epochDataCommitment(d);
    expect(c).toBe(poseidon5(poseidon5(TAG_EPOCH, 1n, 2n, 3n, 4n), 5n, 0n, 0n, 0n));
    const z = epochChallenge(c, d);
    const packed = concatHex([c, ...d].map((x) => numberToHex(x, { size: 32 })));
    expect(z).toBe(BigInt(keccak256(packed)) % BN254_FIELD_ORDER);
    const naive = d.reduce((acc, x, i) => (acc + x * z ** BigInt(i)) % BN254_FIELD_ORDER, 0n);
    expect(evaluateEpochData(d, z)).toBe(naive);
    expect(epochPublicSignals(d)).toEqual({ dataCommitment: c, challenge: z, evaluation: naive });
  });

  it('changing any entry changes the challenge and the evaluation (binding)', () => {
    const d = epochData(5n, 6n, [group()], { k: 4, groupSize: 2 });
    const base = epochPublicSignals(d);
    d.forEach((_, i) => {
      const e = [...d];
      e[i] = (e[i]! + 1n) % BN254_FIELD_ORDER;
      const s = epochPublicSignals(e);
      expect(s.challenge).not.toBe(base.challenge);
      expect(evaluateEpochData(e, base.challenge)).not.toBe(base.evaluation);
    });
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
    expect(step.groups).toEqual([
      { slot: 1, chainId: 31337n, firstBatch: 0n, chainRoot: chain.root, batchRoots: [root(42)] },
    ]);
    expect(step.chainRoots).toEqual([chain.root]);
    expect(step.data).toEqual(epochData(genesis!, shared.root, step.groups, 2));
    expect(step.publicSignals).toEqual(epochPublicSignals(step.data));
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

  it('verifyAggregationStep reproduces newRoot and the epoch data for random sequences (property)', () => {
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
          expect(verified).toEqual({ newRoot: step.newRoot, data: step.data });
          expect(step.chainRoots).toEqual(
            updates.map((u) => state.chainTree(u.chainId)!.rootAt(Number(u.batchNumber) + 1)),
          );
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
    expect(padOnly).toEqual({ newRoot: step.newRoot, data: [step.newRoot, step.newRoot, 0n, 0n, 0n, 0n] });
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
    expect(ok.chainRoots).toEqual(flat.chainRoots);
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
              data: epochData(step.oldRoot, step.newRoot, step.groups, shape),
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

describe('chooseEpochShape', () => {
  type B = { batchNumber: bigint };
  const run = (from: number, to: number): B[] =>
    Array.from({ length: to - from }, (_, i) => ({ batchNumber: BigInt(from + i) }));
  const s4 = { k: 4, groupSize: 2 };
  const l32 = { k: 32, groupSize: 16 };

  it('takes the smallest shape that holds what waits', () => {
    const pending = [
      { chainId: 1n, nextBatch: 0n, batches: run(0, 2) },
      { chainId: 2n, nextBatch: 5n, batches: run(5, 6) },
    ];
    const choice = chooseEpochShape(pending, [l32, s4])!;
    expect(choice.shape).toBe(s4);
    expect(choice.holdsAll).toBe(true);
    expect(choice.updates).toHaveLength(3);
  });

  it('takes the shape that holds the most when the backlog exceeds every shape', () => {
    const pending = [
      { chainId: 1n, nextBatch: 0n, batches: run(0, 40) },
      { chainId: 2n, nextBatch: 0n, batches: run(0, 3) },
    ];
    const choice = chooseEpochShape(pending, [s4, l32])!;
    expect(choice.shape).toBe(l32);
    expect(choice.holdsAll).toBe(false);
    expect(choice.updates).toHaveLength(19);
  });

  it('counts only the consecutive run from the next batch, and says when nothing can be scheduled', () => {
    expect(chooseEpochShape([{ chainId: 1n, nextBatch: 1n, batches: run(2, 9) }], [s4, l32])).toBeUndefined();
    const gap = chooseEpochShape([{ chainId: 1n, nextBatch: 1n, batches: [...run(1, 2), ...run(5, 9)] }], [l32, s4])!;
    expect(gap.shape).toBe(s4);
    expect(gap.holdsAll).toBe(true);
    expect(() => chooseEpochShape([], [])).toThrow(EpochShapeError);
  });

  it('breaks ties by fewer groups', () => {
    const one32 = { k: 32, groupSize: 32 };
    const pending = [{ chainId: 1n, nextBatch: 0n, batches: run(0, 100) }];
    // 1 x 32 takes 32 of one chain, 2 x 16 takes 32 too: same count, same k, fewer groups wins.
    expect(chooseEpochShape(pending, [l32, one32])!.shape).toBe(one32);
  });
});
