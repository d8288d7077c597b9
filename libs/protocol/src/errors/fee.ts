import { ProtocolError } from './base';

/** A fee parameter is negative (all fee inputs are unsigned wei amounts). */
export class NegativeFeeParameterError extends ProtocolError {
  readonly code = 'NEGATIVE_FEE_PARAMETER';
  constructor({ name, value }: { name: string; value: bigint }) {
    super(`Fee parameter ${name} is negative.`, { details: `${name} = ${value}` });
  }
}
