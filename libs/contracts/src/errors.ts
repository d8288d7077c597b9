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
