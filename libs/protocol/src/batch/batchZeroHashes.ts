import type { Hex } from 'viem';
import { keccakPair } from '../bytes/keccak';
import { InvalidTreeDepthError } from '../errors/tree';

const ZERO32: Hex = `0x${'00'.repeat(32)}`;
let cache: Hex[] = [ZERO32];

/**
 * Zero hashes of the keccak batch tree: `Z0 = bytes32(0)`, `Z(i+1) = keccak256(Z(i) ‖ Z(i))`; returns
 * `Z0 .. Z(depth)`. Cached. Mirrors `zeros(i)` in contracts/src/libraries/BatchMerkle.sol.
 *
 * @throws {InvalidTreeDepthError} unless depth is an integer in 0..64.
 *
 * @example
 * batchZeroHashes(16)[16]; // root of an empty batch tree
 */
export function batchZeroHashes(depth: number): readonly Hex[] {
  if (!Number.isInteger(depth) || depth < 0 || depth > 64) throw new InvalidTreeDepthError({ depth, max: 64 });
  if (cache.length <= depth) {
    const next = cache.slice();
    while (next.length <= depth) {
      const z = next[next.length - 1] as Hex;
      next.push(keccakPair(z, z));
    }
    cache = next;
  }
  return cache.slice(0, depth + 1);
}
