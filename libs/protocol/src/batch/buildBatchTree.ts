import type { Hex } from 'viem';
import { BatchTree } from './BatchTree';

/**
 * Builds the keccak batch tree of `leaves` (message leaves in emission order) at `depth` (default 16).
 * Mirrors contracts/src/libraries/BatchMerkle.sol.
 *
 * @example
 * const { root } = buildBatchTree(messages.map(messageLeaf));
 */
export function buildBatchTree(leaves: readonly Hex[], depth = 16): BatchTree {
  return new BatchTree(leaves, depth);
}
