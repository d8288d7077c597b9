import { FieldElementOutOfRangeError } from '../errors/field';
import { BN254_FIELD_ORDER } from '../poseidon/bn254FieldOrder';

/**
 * Throws unless `value` is a canonical field element. Trees check leaves before mutating so a bad leaf never leaves
 * a tree half-updated.
 */
export function assertField(value: bigint, name: string): void {
  if (typeof value !== 'bigint' || value < 0n || value >= BN254_FIELD_ORDER) {
    // A non-bigint (untyped caller) is reported as -1: BigInt() of a fraction would throw a RangeError instead.
    throw new FieldElementOutOfRangeError({ value: typeof value === 'bigint' ? value : -1n, name });
  }
}
