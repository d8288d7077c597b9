import { AppError } from './appError';

/**
 * A request to an admin endpoint without the right bearer token (HTTP 401).
 *
 * @example
 * throw new UnauthorizedError();
 */
export class UnauthorizedError extends AppError {
  constructor() {
    super('UNAUTHORIZED', 401, 'this endpoint needs an admin bearer token (authorization: Bearer <ADMIN_TOKEN>)');
  }
}
