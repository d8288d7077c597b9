import { TAG_CHAIN } from './domainTags';
import { poseidon3 } from './poseidon';

/**
 * Shared-tree leaf of a chain: `P3(TAG_CHAIN, chainRoot, chainId)`.
 * Mirrors `chainLeaf` in contracts/src/libraries/PoseidonMerkle.sol and the `ChainLeaf` template in
 * circuits/src/leaves.circom.
 *
 * @throws {FieldElementOutOfRangeError} if an input is negative or >= r.
 *
 * @example
 * chainLeaf(chainTree.root, 31337n);
 */
export function chainLeaf(chainRoot: bigint, chainId: bigint): bigint {
  return poseidon3(TAG_CHAIN, chainRoot, chainId);
}
