import type { Hex } from 'viem';
import { FieldElementOutOfRangeError } from '../errors/field';
import { BN254_FIELD_ORDER } from './bn254FieldOrder';

/**
 * A field element as bytes32 (big-endian), how shared roots travel on-chain and in Kafka (SPEC "Inclusion proof").
 * Mirrors `bytes32(root)` in contracts/src (InteropHub / InteropHandler store roots as bytes32).
 *
 * @throws {FieldElementOutOfRangeError} unless 0 <= x < r.
 *
 * @example
 * fieldToBytes32(5n); // '0x0000…0005'
 */
export function fieldToBytes32(x: bigint): Hex {
  if (typeof x !== 'bigint' || x < 0n || x >= BN254_FIELD_ORDER) {
    throw new FieldElementOutOfRangeError({ value: typeof x === 'bigint' ? x : -1n, name: 'x' });
  }
  return `0x${x.toString(16).padStart(64, '0')}`;
}
