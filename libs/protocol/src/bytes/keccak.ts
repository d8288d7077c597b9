import { keccak256 as sha3Keccak256 } from 'js-sha3';
import type { Hex } from 'viem';
import { hexInto } from './hex';

/**
 * keccak-256 by js-sha3 (measured 3-5x faster here than viem's keccak256 on 64 and 448 bytes; same digest, checked by the
 * tests against viem's `keccak256`). @noble/hashes 2 would do too but is ESM-only, which Jest (CommonJS) cannot load.
 */
export function keccakBytes(data: Uint8Array): Hex {
  return `0x${sha3Keccak256(data)}`;
}

const pair = new Uint8Array(64);

/** `keccak256(left ‖ right)` of two bytes32 the caller has already checked (a batch-tree node). */
export function keccakPair(left: string, right: string): Hex {
  hexInto(left, pair, 0, 32);
  hexInto(right, pair, 32, 32);
  return `0x${sha3Keccak256(pair)}`;
}
