import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, type LoggerService } from '@nestjs/common';
import { ZodError } from 'zod';

import { AppError } from './appError';
import type { ErrorResponseBody } from './errorResponseBody';

/**
 * The one place where errors become HTTP answers `{ error: { code, message, details } }`:
 * `AppError` -> its `httpStatus` and `code`; `ZodError` -> 400 `VALIDATION_FAILED` with the issues as details;
 * Nest's `HttpException` (e.g. unknown route) -> its status with `HTTP_<status>`; anything else -> 500 `INTERNAL`
 * with a generic message (the real one is logged, never sent: it may carry internals).
 *
 * @example
 * app.useGlobalFilters(new GlobalExceptionFilter(logger));
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger?: LoggerService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    // Only the two methods used here, so the filter does not depend on express's types.
    const response = host.switchToHttp().getResponse<{ status(code: number): { json(body: unknown): unknown } }>();
    const { status, body } = this.map(exception);
    if (status >= 500) {
      const err = exception as Error;
      this.logger?.error(
        `${body.error.code}: ${err?.message ?? String(exception)}`,
        err?.stack,
        'GlobalExceptionFilter',
      );
    }
    response.status(status).json(body);
  }

  /** The HTTP status and body for an exception (public so non-HTTP transports can reuse the mapping). */
  map(exception: unknown): { status: number; body: ErrorResponseBody } {
    if (exception instanceof AppError) {
      return {
        status: exception.httpStatus,
        body: { error: withDetails(exception.code, exception.message, exception.details) },
      };
    }
    if (exception instanceof ZodError) {
      const details = exception.issues.map((i) => ({
        path: i.path.map(String).join('.'),
        message: i.message,
        code: i.code,
      }));
      return {
        status: 400,
        body: { error: { code: 'VALIDATION_FAILED', message: 'request validation failed', details } },
      };
    }
    if (exception instanceof HttpException || isHttpExceptionLike(exception)) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const raw = typeof res === 'string' ? res : (res as { message?: unknown }).message;
      const message = Array.isArray(raw)
        ? raw.map(String).join('; ')
        : typeof raw === 'string'
          ? raw
          : exception.message;
      return { status, body: { error: { code: `HTTP_${status}`, message } } };
    }
    return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
  }
}

/**
 * An HttpException of another copy of @nestjs/common (the ESM and CJS builds are both loaded under tsx: the body
 * parser's 400 for malformed JSON then failed `instanceof` and became a 500; found by the chaos harness).
 */
function isHttpExceptionLike(e: unknown): e is HttpException {
  const x = e as { getStatus?: unknown; getResponse?: unknown } | null;
  return (
    typeof x === 'object' && x !== null && typeof x.getStatus === 'function' && typeof x.getResponse === 'function'
  );
}

function withDetails(code: string, message: string, details: unknown): ErrorResponseBody['error'] {
  return details === undefined ? { code, message } : { code, message, details: jsonSafe(details) };
}

/** bigint is not JSON: send it as a decimal string, the project's wire format for chain integers. */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}
