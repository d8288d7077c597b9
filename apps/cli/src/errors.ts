/**
 * An error the CLI reports as one line on stderr with a non-zero exit code (never a stack trace). Exit codes:
 * 1 = the operation failed (the network said no, a proof does not verify, a message failed), 2 = bad usage
 * (arguments, options, missing configuration).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad arguments, options or configuration (exit code 2). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** The first line of any thrown value's message (viem's shortMessage when there is one). */
export function oneLine(e: unknown): string {
  const short = (e as { shortMessage?: unknown } | undefined)?.shortMessage;
  const text = typeof short === 'string' ? short : e instanceof Error ? e.message : String(e);
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).trim();
}
