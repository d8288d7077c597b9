import type { Hex } from 'viem';
import { keccakPair } from '../bytes/keccak';
import { InvalidBytes32Error } from '../errors/field';
import { LeafIndexOutOfRangeError } from '../errors/tree';

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * Folds a keccak batch-tree path (`keccakFold` in SPEC): at level `i` the node is the left child iff bit `i` of
 * `index` is 0; parent = `keccak256(left ‖ right)`. Returns the root the path leads to.
 * Mirrors `BatchMerkle.computeRoot` in contracts/src/libraries/BatchMerkle.sol.
 *
 * @throws {LeafIndexOutOfRangeError} if `index >= 2^siblings.length`.
 * @throws {InvalidBytes32Error} if the leaf or a sibling is not bytes32.
 *
 * @example
 * const p = tree.proof(3);
 * computeBatchRoot(p.leaf, 3, p.siblings) === tree.root; // true
 */
export function computeBatchRoot(leaf: Hex, index: number | bigint, siblings: readonly Hex[]): Hex {
  let i = BigInt(index);
  if (i < 0n || i >= 1n << BigInt(siblings.length)) {
    throw new LeafIndexOutOfRangeError({ index, limit: 1n << BigInt(siblings.length) });
  }
  if (!BYTES32.test(leaf)) throw new InvalidBytes32Error({ value: leaf, name: 'leaf' });
  let node = leaf;
  for (let level = 0; level < siblings.length; level++) {
    const sibling = siblings[level] as Hex;
    if (!BYTES32.test(sibling)) throw new InvalidBytes32Error({ value: sibling, name: `siblings[${level}]` });
    node = (i & 1n) === 0n ? keccakPair(node, sibling) : keccakPair(sibling, node);
    i >>= 1n;
  }
  return node;
}
