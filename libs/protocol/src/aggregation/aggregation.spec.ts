import fc from 'fast-check';
import type { Hex } from 'viem';
import {
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
    expect(step.witnesses[1]).toEqual({
      enabled: 0,
      slot: 0,
      chainId: 0n,
      batchNumber: 0n,
      batchRootField: 0n,
      chainSiblings: [0n, 0n, 0n],
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
          expect(step.witnesses.filter((w) => w.enabled === 1)).toHaveLength(updates.length);
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
  const state = new AggregationState(depths);
  state.apply([{ slot: 2, chainId: 9n, batchNumber: 0n, batchRoot: root(3) }], 2);
  const step = state.apply([{ slot: 2, chainId: 9n, batchNumber: 1n, batchRoot: root(4) }], 2);

  it('passes padding through', () => {
    const padOnly = verifyAggregationStep(step.newRoot, [step.witnesses[1]!], depths);
    expect(padOnly).toEqual({ newRoot: step.newRoot, commitment: 0n });
  });
  it('rejects a wrong old root, tampered siblings, wrong lengths and padding before an update', () => {
    expect(() => verifyAggregationStep(step.oldRoot + 1n, step.witnesses, depths)).toThrow(
      InvalidAggregationWitnessError,
    );
    const w = step.witnesses[0]!;
    const tampered = { ...w, chainSiblings: [w.chainSiblings[0]! + 1n, ...w.chainSiblings.slice(1)] };
    expect(() => verifyAggregationStep(step.oldRoot, [tampered], depths)).toThrow(InvalidAggregationWitnessError);
    expect(() => verifyAggregationStep(step.oldRoot, [{ ...w, sharedSiblings: [0n] }], depths)).toThrow(
      InvalidAggregationWitnessError,
    );
    expect(() => verifyAggregationStep(step.oldRoot, [step.witnesses[1]!, w], depths)).toThrow(
      InvalidAggregationWitnessError,
    );
    expect(() => verifyAggregationStep(step.oldRoot, [{ ...w, batchNumber: 0n }], depths)).toThrow(
      InvalidAggregationWitnessError,
    );
  });
  it('its chain path opens to the old chain root with an empty leaf', () => {
    const w = step.witnesses[0]!;
    const chain = new ChainTree(3);
    chain.append(batchLeaf(root(3), 0n));
    expect(computePoseidonRoot(0n, 1, w.chainSiblings)).toBe(chain.root);
  });
});
