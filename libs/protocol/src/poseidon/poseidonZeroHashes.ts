import { InvalidTreeDepthError } from '../errors/tree';
import { poseidon2 } from './poseidon';

/** The longest chain of zero hashes computed so far; shorter requests are prefixes of it. */
let cache: bigint[] = [0n];

/** Largest supported Poseidon tree depth (a sanity bound; production uses at most 20). */
export const MAX_POSEIDON_DEPTH = 64;

/**
 * Zero hashes of a Poseidon Merkle tree: `Z(0) = 0`, `Z(i+1) = P2(Z(i), Z(i))`; returns `Z(0) .. Z(depth)`
 * (`depth + 1` values; `Z(depth)` is the root of an empty tree of that depth). Cached across calls.
 * Mirrors `zeros(i)` in contracts/src/libraries/PoseidonMerkle.sol and the empty leaves used by
 * circuits/src/merkle.circom.
 *
 * @throws {InvalidTreeDepthError} if depth is not an integer in 0..64.
 *
 * @example
 * const z = poseidonZeroHashes(20);
 * z[20]; // root of an empty chain tree (production depth)
 */
export function poseidonZeroHashes(depth: number): readonly bigint[] {
  if (!Number.isInteger(depth) || depth < 0 || depth > MAX_POSEIDON_DEPTH) {
    throw new InvalidTreeDepthError({ depth, max: MAX_POSEIDON_DEPTH });
  }
  if (cache.length <= depth) {
    const next = cache.slice();
    while (next.length <= depth) {
      const z = next[next.length - 1] as bigint;
      next.push(poseidon2(z, z));
    }
    cache = next;
  }
  return cache.slice(0, depth + 1);
}
