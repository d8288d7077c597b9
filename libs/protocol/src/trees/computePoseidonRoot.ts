import { LeafIndexOutOfRangeError } from '../errors/tree';
import { poseidon2 } from '../poseidon/poseidon';

/**
 * Folds a Poseidon Merkle path: starting from `leaf`, at level `i` the node is the left child iff bit `i` of
 * `index` is 0, and the parent is `P2(left, right)`. Returns the root the path leads to; the caller compares it
 * with the root it trusts. Mirrors `computeRoot` in contracts/src/libraries/PoseidonMerkle.sol and the
 * `MerkleRoot` template in circuits/src/merkle.circom.
 *
 * @param index - leaf index; must be < 2^siblings.length.
 * @throws {LeafIndexOutOfRangeError} if the index does not fit the path length.
 * @throws {FieldElementOutOfRangeError} if the leaf or a sibling is not a field element.
 *
 * @example
 * const { leaf, index, siblings, root } = tree.proof(3);
 * computePoseidonRoot(leaf, index, siblings) === root; // true
 */
export function computePoseidonRoot(leaf: bigint, index: number | bigint, siblings: readonly bigint[]): bigint {
  let i = BigInt(index);
  const depth = siblings.length;
  if (i < 0n || i >= 1n << BigInt(depth)) {
    throw new LeafIndexOutOfRangeError({ index, limit: 1n << BigInt(depth) });
  }
  let node = leaf;
  for (let level = 0; level < depth; level++) {
    const sibling = siblings[level] as bigint;
    node = (i & 1n) === 0n ? poseidon2(node, sibling) : poseidon2(sibling, node);
    i >>= 1n;
  }
  return node;
}

/** Alias of {@link computePoseidonRoot}: the root a Poseidon path leads to. */
export const verifyPoseidonPath = computePoseidonRoot;
