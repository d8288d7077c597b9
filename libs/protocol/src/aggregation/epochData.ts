import { EpochShapeError, InvalidUpdateError } from '../errors/aggregation';
import { BN254_FIELD_ORDER } from '../poseidon/bn254FieldOrder';
import { toField } from '../poseidon/toField';
import { resolveShape } from './epochShape';
import type { AggregationShape, EpochGroup } from './types';

const U32 = 1n << 32n;
const U64 = 1n << 64n;

/**
 * The packed group header of SPEC "Epoch data": `count + firstBatch * 2^32 + chainId * 2^96 + slot * 2^160`
 * (0 for an empty group). Mirrors `InteropHub._groupHeader` (contracts/src/InteropHub.sol) and the header the
 * circuit computes (circuits/src/aggregation.circom).
 *
 * @throws {InvalidUpdateError} if a part does not fit its width (count, slot < 2^32; firstBatch, chainId < 2^64).
 *
 * @example
 * groupHeader(1, 901n, 16n, 3); // 3n + 16n << 32n | 901n << 96n | 1n << 160n
 */
export function groupHeader(slot: number, chainId: bigint, firstBatch: bigint, count: number): bigint {
  const s = BigInt(slot);
  const c = BigInt(count);
  if (!Number.isInteger(slot) || s < 0n || s >= U32) throw headerError(`slot ${slot} does not fit 32 bits`);
  if (!Number.isInteger(count) || c < 0n || c >= U32) throw headerError(`count ${count} does not fit 32 bits`);
  if (firstBatch < 0n || firstBatch >= U64) throw headerError(`firstBatch ${firstBatch} does not fit 64 bits`);
  if (chainId < 0n || chainId >= U64) throw headerError(`chainId ${chainId} does not fit 64 bits`);
  return c + (firstBatch << 32n) + (chainId << 96n) + (s << 160n);
}

/** Length of the epoch data vector of a shape: `N = 2 + G * (M + 2)`. */
export function epochDataLength(shape: number | AggregationShape): number {
  const { groups, groupSize } = resolveShape(shape);
  return 2 + groups * (groupSize + 2);
}

/**
 * The epoch data vector `D` of SPEC "Epoch data" (N = 2 + G * (M + 2) field elements): `oldRoot`, `newRoot`, then
 * per group its header, its chain root after the group and its M batch-root fields, zero-padded; empty groups
 * (after the real ones) are all zeros. Mirrors `InteropHub._epochData` and the `W` the circuit assembles.
 *
 * @throws {EpochShapeError} more groups than the shape has, a group of 0 or more than M batches, or one that
 *   crosses its aligned block. @throws {InvalidUpdateError} a non-canonical root or an oversized header part.
 *
 * @example
 * const d = epochData(step.oldRoot, step.newRoot, step.groups, { k: 4, groupSize: 2 }); // 10 elements
 */
export function epochData(
  oldRoot: bigint,
  newRoot: bigint,
  groups: readonly EpochGroup[],
  shape: number | AggregationShape,
): bigint[] {
  const { groups: g, groupSize: m } = resolveShape(shape);
  if (groups.length > g) {
    throw new EpochShapeError({ details: `${groups.length} groups, the shape has ${g}` });
  }
  canonical(oldRoot, 'oldRoot');
  canonical(newRoot, 'newRoot');
  const d: bigint[] = new Array<bigint>(2 + g * (m + 2)).fill(0n);
  d[0] = oldRoot;
  d[1] = newRoot;
  groups.forEach((group, i) => {
    const count = group.batchRoots.length;
    if (count < 1 || count > m) {
      throw new EpochShapeError({ details: `group ${i} has ${count} batches, a group holds 1..${m}` });
    }
    if (Number(group.firstBatch % BigInt(m)) + count > m) {
      throw new EpochShapeError({
        details: `group ${i} (batches ${group.firstBatch}..${group.firstBatch + BigInt(count) - 1n}) crosses its aligned block of ${m}`,
      });
    }
    canonical(group.chainRoot, `group ${i} chainRoot`);
    const base = 2 + i * (m + 2);
    d[base] = groupHeader(group.slot, group.chainId, group.firstBatch, count);
    d[base + 1] = group.chainRoot;
    group.batchRoots.forEach((root, j) => {
      d[base + 2 + j] = toField(root);
    });
  });
  return d;
}

function canonical(x: bigint, what: string): void {
  if (typeof x !== 'bigint' || x < 0n || x >= BN254_FIELD_ORDER) {
    throw new InvalidUpdateError({ index: -1, details: `${what} ${String(x)} is not a canonical field element` });
  }
}

function headerError(details: string): InvalidUpdateError {
  return new InvalidUpdateError({ index: -1, details: `group header: ${details}` });
}
