import type { Hex } from 'viem';
import { TAG_BATCH } from './domainTags';
import { poseidon3 } from './poseidon';
import { toField } from './toField';

/**
 * Chain-tree leaf of a batch: `P3(TAG_BATCH, toField(batchRoot), batchNumber)`.
 * Mirrors `batchLeaf` in contracts/src/libraries/PoseidonMerkle.sol and the `BatchLeaf` template in
 * circuits/src/leaves.circom.
 *
 * @throws {FieldElementOutOfRangeError} if `batchNumber` is negative or >= r.
 *
 * @example
 * batchLeaf('0x' + '11'.repeat(32), 0n);
 */
export function batchLeaf(batchRoot: Hex, batchNumber: bigint): bigint {
  return poseidon3(TAG_BATCH, toField(batchRoot), batchNumber);
}
