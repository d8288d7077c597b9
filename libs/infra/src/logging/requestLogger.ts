import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';

/** The parts of express's request used here (the project does not depend on @types/express). */
export type HttpRequest = {
  method: string;
  originalUrl: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
};
/** The parts of express's response used here. */
export type HttpResponse = {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  on(event: 'finish', listener: () => void): unknown;
};

/**
 * Express middleware logging one line per HTTP request when it finishes: method, path, status, duration and a
 * request id (the caller's `x-request-id`, or a new one, echoed back in the response header so a client can quote
 * it). `/health` polls are logged at debug level to keep the logs readable.
 *
 * @example
 * app.use(requestLogger(logger.child('http')));
 */
export function requestLogger(logger: Logger): (req: HttpRequest, res: HttpResponse, next: () => void) => void {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && header.length > 0 && header.length <= 128 ? header : randomUUID();
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      const durationMs = Number((process.hrtime.bigint() - started) / 1000n) / 1000;
      const fields = { requestId, method: req.method, path: req.originalUrl, status: res.statusCode, durationMs };
      const level = req.path === '/health' ? 'debug' : res.statusCode >= 500 ? 'error' : 'info';
      logger[level](fields, 'request');
    });
    next();
  };
}
