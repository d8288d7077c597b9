import type { Hex } from 'viem';
import { InvalidBytes32Error } from '../errors/field';
import { BN254_FIELD_ORDER } from './bn254FieldOrder';

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * How a keccak value enters a Poseidon tree: `uint256(x) mod r` (SPEC "Field and hashes").
 * Mirrors `uint256(x) % R` in contracts/src/libraries/PoseidonMerkle.sol; circuits receive the reduced value
 * (`batchRootField`) as a witness, see circuits/src/aggregation.circom.
 *
 * @param x - a 32-byte hex string (e.g. a batch root).
 * @throws {InvalidBytes32Error} if `x` is not exactly 32 bytes of hex.
 *
 * @example
 * toField('0x0000000000000000000000000000000000000000000000000000000000000005'); // 5n
 */
export function toField(x: Hex): bigint {
  if (!BYTES32.test(x)) throw new InvalidBytes32Error({ value: x, name: 'x' });
  return BigInt(x) % BN254_FIELD_ORDER;
}
