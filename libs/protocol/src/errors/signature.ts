import { ProtocolError } from './base';

/** Typed data could not be signed or a signature could not be recovered (malformed signature or fields). */
export class SignatureError extends ProtocolError {
  readonly code = 'SIGNATURE_INVALID';
  constructor({ details, cause }: { details: string; cause?: unknown }) {
    super('Invalid EIP-712 signature or typed data.', { details, cause });
  }
}
