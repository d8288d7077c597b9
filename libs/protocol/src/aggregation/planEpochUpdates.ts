import { resolveShape } from './epochShape';
import type { AggregationShape } from './types';

/** What one chain has waiting for aggregation. */
export type PendingChainBatches<T extends { batchNumber: bigint }> = {
  chainId: bigint;
  /** The chain's next batch number to aggregate (its chain-tree size, = L1 `nextBatchNumber`). */
  nextBatch: bigint;
  /** Its waiting batches, any order; only the consecutive run starting at `nextBatch` can be taken. */
  batches: readonly T[];
};

/**
 * Chooses the updates of one epoch so that they fit the circuit's epoch shape (SPEC "Epoch shape"): each group of
 * `groupSize` slots takes batches of one chain, consecutive from the chain's next batch number and inside one
 * aligned block of its chain tree (so a group ends at the run's end or at a block boundary). Chains take turns in
 * the order given (the caller's priority, e.g. oldest waiting batch first), one group per turn, until the
 * `k / groupSize` groups are used or nothing is left. The result is in epoch order: group after group, each
 * chain's batches in batch-number order; `AggregationState.apply(result, shape)` and `groupUpdates` split it back
 * into exactly these groups.
 *
 * @example
 * // k = 4, groupSize = 2: chain A (next 1, batches 1..3) and chain B (next 0, batches 0..1)
 * planEpochUpdates([{ chainId: A, nextBatch: 1n, batches: a }, { chainId: B, nextBatch: 0n, batches: b }], { k: 4, groupSize: 2 });
 * // -> [A1, B0, B1]: A1 ends A's block [0, 2); B0-B1 fill one group; A2 waits (no group left)
 */
export function planEpochUpdates<T extends { batchNumber: bigint }>(
  pending: readonly PendingChainBatches<T>[],
  shape: AggregationShape,
): T[] {
  const { groupSize, groups } = resolveShape(shape);
  const size = BigInt(groupSize);
  const seen = new Set<bigint>();
  // The consecutive run of each chain from its next batch number (duplicates of a chain are ignored).
  const runs: { next: bigint; byNumber: Map<bigint, T> }[] = [];
  for (const p of pending) {
    if (seen.has(p.chainId)) continue;
    seen.add(p.chainId);
    const byNumber = new Map<bigint, T>();
    for (const b of p.batches) if (!byNumber.has(b.batchNumber)) byNumber.set(b.batchNumber, b);
    runs.push({ next: p.nextBatch, byNumber });
  }
  const out: T[] = [];
  let left = groups;
  let progress = true;
  while (left > 0 && progress) {
    progress = false;
    for (const run of runs) {
      if (left === 0) break;
      const room = Number(size - (run.next % size));
      const group: T[] = [];
      while (group.length < room) {
        const b = run.byNumber.get(run.next);
        if (!b) break;
        group.push(b);
        run.next += 1n;
      }
      if (group.length === 0) continue;
      out.push(...group);
      left -= 1;
      progress = true;
    }
  }
  return out;
}
