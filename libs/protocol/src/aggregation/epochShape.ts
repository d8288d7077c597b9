import { EpochShapeError } from '../errors/aggregation';
import type { AggregationShape, Update } from './types';

/** A validated {@link AggregationShape} with its derived sizes. */
export type ResolvedShape = { k: number; groupSize: number; groups: number; log2GroupSize: number };

/**
 * Checks an epoch shape (`groupSize` a power of two dividing `k`) and derives the group count. A bare number `k`
 * means `{ k, groupSize: 1 }`: any update list fits (one update per group), for callers that only need roots.
 *
 * @throws {EpochShapeError}
 */
export function resolveShape(shape: number | AggregationShape): ResolvedShape {
  const { k, groupSize } = typeof shape === 'number' ? { k: shape, groupSize: 1 } : shape;
  if (!Number.isInteger(k) || k < 1) throw new EpochShapeError({ details: `k must be a positive integer, got ${k}` });
  if (!Number.isInteger(groupSize) || groupSize < 1 || (groupSize & (groupSize - 1)) !== 0 || k % groupSize !== 0) {
    throw new EpochShapeError({ details: `groupSize must be a power of two dividing k=${k}, got ${groupSize}` });
  }
  return { k, groupSize, groups: k / groupSize, log2GroupSize: Math.log2(groupSize) };
}

/**
 * The id of a shape on L1 (`InteropHub.shapeIdOf`): `groups * 2^16 + groupSize` (SPEC "Epoch shape").
 *
 * @example
 * shapeId({ k: 32, groupSize: 16 }); // 2 * 65536 + 16 = 131088
 */
export function shapeId(shape: AggregationShape): number {
  const { groups, groupSize } = resolveShape(shape);
  if (groups >= 2 ** 16 || groupSize >= 2 ** 16) {
    throw new EpochShapeError({ details: `groups and groupSize must be below 2^16, got ${groups} x ${groupSize}` });
  }
  return groups * 2 ** 16 + groupSize;
}

/**
 * Splits an update list into the circuit's groups, canonically: a new group starts at the first update, when the
 * chain changes, when the group already holds `groupSize` updates, when the batch number starts an aligned block
 * (`batchNumber % groupSize == 0`) or when it is not the previous one + 1. The circuit needs at most `k / groupSize`
 * such groups (checked by the caller).
 *
 * @example
 * groupUpdates([a6, a7, a8, b0], 4).map((g) => g.length); // [2, 1, 1]: a8 starts block [8, 12)
 */
export function groupUpdates<T extends Pick<Update, 'chainId' | 'batchNumber'>>(
  updates: readonly T[],
  groupSize: number,
): T[][] {
  const size = BigInt(groupSize);
  const groups: T[][] = [];
  let current: T[] | undefined;
  for (const u of updates) {
    const last = current?.at(-1);
    const continues =
      current !== undefined &&
      last !== undefined &&
      last.chainId === u.chainId &&
      current.length < groupSize &&
      u.batchNumber % size !== 0n &&
      u.batchNumber === last.batchNumber + 1n;
    if (continues) {
      current!.push(u);
    } else {
      current = [u];
      groups.push(current);
    }
  }
  return groups;
}
