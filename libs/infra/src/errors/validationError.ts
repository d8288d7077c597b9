import { AppError, type AppErrorParameters } from './appError';

/**
 * Input that is well-formed JSON but not acceptable (HTTP 400). Zod errors are mapped to the same shape with
 * code `VALIDATION_FAILED` by the global filter.
 *
 * @example
 * throw new ValidationError('AMOUNT_TOO_SMALL', 'amount must cover the fee', { details: { amount: '1', fee: '5' } });
 */
export class ValidationError extends AppError {
  constructor(code: string, message: string, parameters: AppErrorParameters = {}) {
    super(code, 400, message, parameters);
  }
}
