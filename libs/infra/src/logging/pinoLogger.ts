import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type PinoLoggerOptions = {
  /** Service name, logged as `service` on every line (hub, chain-901, bridge). */
  name: string;
  level?: LoggerOptions['level'];
  /** Where JSON lines go; default stdout. Tests pass a stream to read them back. */
  destination?: DestinationStream;
  /** Extra fields on every line. */
  base?: Record<string, unknown>;
};

/**
 * Nest's `LoggerService` on top of pino: one JSON object per line with `level`, `time`, `service`, `context` and
 * `msg`, so the apps' logs can be shipped and queried as they are. `pino` exposes the underlying logger for code
 * that logs structured fields (`logger.pino.info({ chainId }, 'batch sealed')`).
 *
 * @example
 * const app = await NestFactory.create(AppModule, { logger: new PinoLogger({ name: 'hub', level: 'info' }) });
 */
export class PinoLogger implements LoggerService {
  readonly pino: Logger;

  constructor(options: PinoLoggerOptions) {
    this.pino = pino(
      {
        level: options.level ?? 'info',
        base: { service: options.name, pid: process.pid, ...options.base },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        // bigint is not JSON: log it as a decimal string, like the APIs do.
        hooks: {
          logMethod(args, method) {
            method.apply(
              this,
              args.map((a) => (typeof a === 'bigint' ? a.toString() : a)) as Parameters<typeof method>,
            );
          },
        },
      },
      options.destination,
    );
  }

  /** A child logger that adds `context` (a Nest class or subsystem name) to each line. */
  child(context: string): Logger {
    return this.pino.child({ context });
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    // Nest calls error(message, stack?, context?).
    const params = [...optionalParams];
    const context =
      typeof params[params.length - 1] === 'string' && params.length >= 2 ? (params.pop() as string) : undefined;
    const stack = typeof params[0] === 'string' ? (params.shift() as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (message instanceof Error) {
      fields.err = message;
      this.pino.error(fields, message.message);
      return;
    }
    if (stack) fields.stack = stack;
    if (params.length > 0) fields.extra = params;
    this.pino.error(fields, toText(message));
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  /** Flushes buffered lines (call before process.exit). */
  flush(): void {
    this.pino.flush();
  }

  private write(
    level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    optionalParams: unknown[],
  ): void {
    // Nest passes the context as the last string parameter.
    const params = [...optionalParams];
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (params.length > 0) fields.extra = params;
    if (typeof message === 'object' && message !== null && !(message instanceof Error)) {
      this.pino[level]({ ...fields, ...(message as Record<string, unknown>) });
      return;
    }
    this.pino[level](fields, toText(message));
  }
}

function toText(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message instanceof Error) return message.message;
  return String(message);
}
