import type { Hex } from 'viem';
import { FieldElementOutOfRangeError, InvalidBytes32Error } from '../errors/field';
import { BN254_FIELD_ORDER } from './bn254FieldOrder';

/**
 * Reads a bytes32 that must already hold a canonical field element (e.g. a shared root received as bytes32).
 * Mirrors `uint256(root)` with the `< R` check of contracts/src/libraries/PoseidonMerkle.sol. Unlike {@link toField} it never reduces: a value >= r is an error, because a root is never >= r.
 *
 * @throws {InvalidBytes32Error} if not 32 bytes of hex. @throws {FieldElementOutOfRangeError} if >= r.
 *
 * @example
 * bytes32ToField(fieldToBytes32(root)) === root; // true
 */
export function bytes32ToField(x: Hex): bigint {
  if (typeof x !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(x)) {
    throw new InvalidBytes32Error({ value: String(x), name: 'x' });
  }
  const value = BigInt(x);
  if (value >= BN254_FIELD_ORDER) throw new FieldElementOutOfRangeError({ value, name: 'x' });
  return value;
}
