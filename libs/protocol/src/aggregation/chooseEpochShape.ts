import { EpochShapeError } from '../errors/aggregation';
import { resolveShape } from './epochShape';
import { planEpochUpdates, type PendingChainBatches } from './planEpochUpdates';
import type { AggregationShape } from './types';

/** The shape chosen for an epoch and the updates it takes (in epoch order, as `planEpochUpdates` gives them). */
export type EpochShapeChoice<T> = {
  shape: AggregationShape;
  updates: T[];
  /** every schedulable batch fits */ holdsAll: boolean;
};

/**
 * Chooses the shape of the next epoch (SPEC "Epoch shape"): among `shapes`, the one with the smallest `k` (then the
 * fewest groups) whose plan holds every schedulable waiting batch (each chain's consecutive run from its next batch
 * number); when none holds them all, the one whose plan holds the most batches (ties: smaller `k`, then fewer
 * groups), i.e. the largest shape when the backlog exceeds every shape. Undefined when nothing can be scheduled.
 *
 * @throws {EpochShapeError} if `shapes` is empty or a shape is invalid.
 *
 * @example
 * chooseEpochShape(pending, [{ k: 4, groupSize: 2 }, { k: 32, groupSize: 16 }]);
 * // -> { shape: { k: 4, groupSize: 2 }, updates: [...], holdsAll: true } when two chains wait with 1-2 batches
 */
export function chooseEpochShape<T extends { batchNumber: bigint }>(
  pending: readonly PendingChainBatches<T>[],
  shapes: readonly AggregationShape[],
): EpochShapeChoice<T> | undefined {
  if (shapes.length === 0) throw new EpochShapeError({ details: 'no epoch shape to choose from' });
  const ordered = shapes
    .map((shape) => ({ shape, resolved: resolveShape(shape) }))
    .sort((a, b) => a.resolved.k - b.resolved.k || a.resolved.groups - b.resolved.groups);
  const schedulable = countSchedulable(pending);
  if (schedulable === 0) return undefined;
  let best: EpochShapeChoice<T> | undefined;
  for (const { shape } of ordered) {
    const updates = planEpochUpdates(pending, shape);
    if (updates.length === schedulable) return { shape, updates, holdsAll: true };
    if (!best || updates.length > best.updates.length) best = { shape, updates, holdsAll: false };
  }
  return best;
}

/** Batches that could be aggregated now: per chain (first entry wins), the consecutive run from its next batch. */
function countSchedulable<T extends { batchNumber: bigint }>(pending: readonly PendingChainBatches<T>[]): number {
  const seen = new Set<bigint>();
  let total = 0;
  for (const p of pending) {
    if (seen.has(p.chainId)) continue;
    seen.add(p.chainId);
    const numbers = new Set(p.batches.map((b) => b.batchNumber));
    for (let n = p.nextBatch; numbers.has(n); n++) total++;
  }
  return total;
}
