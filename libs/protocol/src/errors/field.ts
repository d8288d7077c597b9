import { ProtocolError } from './base';

/** An input to Poseidon (or a field-typed value) is not a canonical BN254 scalar field element (0 <= x < r). */
export class FieldElementOutOfRangeError extends ProtocolError {
  readonly code = 'FIELD_ELEMENT_OUT_OF_RANGE';
  readonly value: bigint;
  constructor({ value, name = 'value' }: { value: bigint; name?: string }) {
    super(`${name} is not a canonical BN254 field element.`, {
      details: `${name} = ${value}; expected 0 <= ${name} < r (BN254 scalar field order).`,
    });
    this.value = value;
  }
}

/** Poseidon was called with an unsupported number of inputs. */
export class InvalidPoseidonArityError extends ProtocolError {
  readonly code = 'INVALID_POSEIDON_ARITY';
  readonly arity: number;
  constructor({ arity }: { arity: number }) {
    super(`Poseidon arity ${arity} is not supported.`, { details: 'Supported arities are 1 to 5 (t = 2..6).' });
    this.arity = arity;
  }
}

/** A value that must be a 32-byte hex string is not. */
export class InvalidBytes32Error extends ProtocolError {
  readonly code = 'INVALID_BYTES32';
  constructor({ value, name = 'value' }: { value: string; name?: string }) {
    super(`${name} is not a 32-byte hex string.`, { details: `${name} = ${value.slice(0, 80)}` });
  }
}
