import { ProtocolError } from './base';

/** Which part of an inclusion proof failed. */
export type InclusionProofLevel = 'message' | 'batch' | 'chain' | 'shared' | 'root';

/**
 * An inclusion proof does not verify. `level` says where: `batch` (keccak path), `chain` (batch leaf -> chain
 * root), `shared` (chain leaf -> shared root), `root` (the recomputed root is not the expected shared root), or
 * `message` (the message itself cannot be encoded).
 */
export class InclusionProofVerificationError extends ProtocolError {
  readonly code = 'INCLUSION_PROOF_INVALID';
  readonly level: InclusionProofLevel;
  constructor({ level, details, cause }: { level: InclusionProofLevel; details: string; cause?: unknown }) {
    super(`Inclusion proof failed at the ${level} level.`, { details, cause });
    this.level = level;
  }
}

/** An inclusion proof cannot be built from the given data (message not in the batch, trees out of sync, ...). */
export class InclusionProofBuildError extends ProtocolError {
  readonly code = 'INCLUSION_PROOF_BUILD_FAILED';
  constructor({ details, cause }: { details: string; cause?: unknown }) {
    super('Cannot build the inclusion proof.', { details, cause });
  }
}
