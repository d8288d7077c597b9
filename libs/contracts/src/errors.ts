/** Base of every error thrown by libs/contracts; `code` is stable, messages are for humans. */
export class ContractsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ContractsError';
  }
}

/** A deployment or setup transaction reverted or produced no contract address. */
export class DeploymentFailedError extends ContractsError {
  constructor(what: string, txHash: string) {
    super('CONTRACTS_DEPLOYMENT_FAILED', `deployment of ${what} failed (tx ${txHash})`, { what, txHash });
    this.name = 'DeploymentFailedError';
  }
}

/** No generated verifier for a shape: the circuit build has not written contracts/src/verifiers/AggregationVerifier<Shape>.sol. */
export class VerifierNotBuiltError extends ContractsError {
  constructor(shape: string, contractName: string) {
    super(
      'CONTRACTS_VERIFIER_NOT_BUILT',
      `no generated verifier for shape "${shape}": contracts/src/verifiers/${contractName}.sol is missing or not ` +
        `compiled; build the circuit of the shape (npm run build:circuits), then npm run build:contracts`,
      { shape, contractName },
    );
    this.name = 'VerifierNotBuiltError';
  }
}

/** The arguments given to submitRootArgs do not describe a submittable epoch. */
export class SubmitRootArgsError extends ContractsError {
  constructor(details: string) {
    super('CONTRACTS_SUBMIT_ROOT_ARGS', `submitRoot arguments: ${details}`, { details });
    this.name = 'SubmitRootArgsError';
  }
}

/** What L1 holds does not rebuild into the roots it settled (rebuildFromL1). */
export class RebuildMismatchError extends ContractsError {
  constructor(details: string) {
    super('CONTRACTS_REBUILD_MISMATCH', `rebuild from L1: ${details}`, { details });
    this.name = 'RebuildMismatchError';
  }
}
