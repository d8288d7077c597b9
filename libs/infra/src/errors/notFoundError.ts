import { AppError, type AppErrorParameters } from './appError';

/**
 * A resource that does not exist (HTTP 404). `code` names the resource, e.g. `CHAIN_NOT_FOUND`.
 *
 * @example
 * throw new NotFoundError('MESSAGE_NOT_FOUND', `message ${id} is unknown`, { details: { id } });
 */
export class NotFoundError extends AppError {
  constructor(code: string, message: string, parameters: AppErrorParameters = {}) {
    super(code, 404, message, parameters);
  }
}
