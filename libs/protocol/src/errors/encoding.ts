import { ProtocolError } from './base';

/** A value could not be encoded or decoded (bad bytes, bad JSON, wrong version, wrong lengths). */
export class ProtocolDecodingError extends ProtocolError {
  readonly code = 'DECODING_FAILED';
  constructor({ what, details, cause }: { what: string; details: string; cause?: unknown }) {
    super(`Could not decode ${what}.`, { details, cause });
  }
}

/** A message (or token payload) has a field outside its Solidity type's range. */
export class InvalidMessageError extends ProtocolError {
  readonly code = 'INVALID_MESSAGE';
  constructor({ details, cause }: { details: string; cause?: unknown }) {
    super('The interop message is invalid.', { details, cause });
  }
}
