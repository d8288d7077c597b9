export type AppErrorParameters = {
  /** Structured context for the caller (returned as `error.details` over HTTP). */
  details?: unknown;
  cause?: unknown;
};

/**
 * Base of every error the apps raise on purpose. `code` is stable (clients and tests switch on it; the message may
 * change) and `httpStatus` is what the global exception filter answers with.
 *
 * @example
 * class ChainNotFoundError extends AppError {
 *   constructor(chainId: bigint) {
 *     super('CHAIN_NOT_FOUND', 404, `chain ${chainId} is not registered`, { details: { chainId: chainId.toString() } });
 *   }
 * }
 */
export class AppError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly details: unknown;

  constructor(code: string, httpStatus: number, message: string, parameters: AppErrorParameters = {}) {
    super(message, parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.name = new.target.name;
    this.code = code;
    this.httpStatus = httpStatus;
    this.details = parameters.details;
  }
}
