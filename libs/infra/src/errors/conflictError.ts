import { AppError, type AppErrorParameters } from './appError';

/**
 * A request that contradicts the current state (HTTP 409), e.g. registering a chain id twice.
 *
 * @example
 * throw new ConflictError('CHAIN_ALREADY_REGISTERED', `chain ${chainId} is already registered`);
 */
export class ConflictError extends AppError {
  constructor(code: string, message: string, parameters: AppErrorParameters = {}) {
    super(code, 409, message, parameters);
  }
}
