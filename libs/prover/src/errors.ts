/** Stable error codes of libs/prover. */
export type ProverErrorCode =
  | 'CIRCUIT_ARTIFACTS_MISSING'
  | 'CIRCUIT_SHAPE_INVALID'
  | 'CIRCUIT_INPUT_INVALID'
  | 'PROOF_INVALID'
  | 'PROOF_CHAIN_BROKEN'
  | 'PUBLIC_SIGNALS_MISMATCH'
  | 'EPOCH_DATA_INVALID'
  | 'VERIFICATION_KEY_MISSING'
  | 'PROVER_CLOSED'
  | 'PROVER_FAILED'
  | 'PROOF_JOB_INVALID';

/** Base error of libs/prover: a fixed `name`, a stable `code`, a short message and optional details. */
export class ProverError extends Error {
  override readonly name: string = 'ProverError';
  readonly code: ProverErrorCode;
  readonly details: string | undefined;

  constructor(code: ProverErrorCode, shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(options.details ? `${shortMessage}\n${options.details}` : shortMessage, { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** The compiled circuit (wasm, zkey or verification key) is not on disk. */
export class CircuitArtifactsMissingError extends ProverError {
  override readonly name = 'CircuitArtifactsMissingError';
  constructor(shape: string, missing: string[]) {
    super('CIRCUIT_ARTIFACTS_MISSING', `circuit artifacts of shape "${shape}" are missing: ${missing.join(', ')}`, {
      details: `Run: npm run build:circuits -- --shape ${shape}`,
    });
  }
}

/** circuits/shapes holds no such shape, or a shape file is malformed. */
export class CircuitShapeError extends ProverError {
  override readonly name = 'CircuitShapeError';
  constructor(message: string) {
    super('CIRCUIT_SHAPE_INVALID', message);
  }
}

/** The aggregation witnesses cannot be turned into a circuit input. */
export class CircuitInputError extends ProverError {
  override readonly name = 'CircuitInputError';
  constructor(message: string) {
    super('CIRCUIT_INPUT_INVALID', message);
  }
}

/**
 * An epoch of a proof chain fails: its proof does not verify, it does not start where the previous one ended, its
 * data does not fit its shape or give its public signals, or its shape has no verification key.
 */
export class ProofChainError extends ProverError {
  override readonly name = 'ProofChainError';
  readonly epoch: bigint;
  constructor(
    code:
      | 'PROOF_INVALID'
      | 'PROOF_CHAIN_BROKEN'
      | 'PUBLIC_SIGNALS_MISMATCH'
      | 'EPOCH_DATA_INVALID'
      | 'VERIFICATION_KEY_MISSING',
    epoch: bigint,
    message: string,
  ) {
    super(code, `epoch ${epoch}: ${message}`);
    this.epoch = epoch;
  }
}

/** The prover pool was closed before (or while) a proof was requested. */
export class ProverClosedError extends ProverError {
  override readonly name = 'ProverClosedError';
  constructor() {
    super('PROVER_CLOSED', 'the prover was closed');
  }
}

/** A worker thread failed to prove (bad witness, crashed thread). */
export class ProverFailedError extends ProverError {
  override readonly name = 'ProverFailedError';
  constructor(message: string, cause?: unknown) {
    super('PROVER_FAILED', `proving failed: ${message}`, { cause });
  }
}

/** A record of interop.proof-jobs that cannot be parsed. */
export class ProofJobInvalidError extends ProverError {
  override readonly name = 'ProofJobInvalidError';
  constructor(message: string) {
    super('PROOF_JOB_INVALID', `invalid proof job: ${message}`);
  }
}
