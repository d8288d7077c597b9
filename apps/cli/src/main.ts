#!/usr/bin/env node
// The `interop` CLI: `npm run interop -- <command>` or `apps/cli/bin/interop <command>` (docs/cli.md).
// Results on stdout, progress and notes on stderr; an error is one line on stderr with exit code 1 (failed) or
// 2 (bad usage). INTEROP_DEBUG=1 adds the stack trace of unexpected errors.
import { CommanderError } from 'commander';

import { CliError, oneLine } from './errors';
import { buildProgram } from './program';

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander printed its message (usage errors) or the help/version (exit code 0) already.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof CliError) {
      process.stderr.write(`error: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`error: ${oneLine(e)}\n`);
    if (process.env.INTEROP_DEBUG === '1' && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv)
    .then((code) => process.exit(code))
    .catch((e: unknown) => {
      process.stderr.write(`error: ${oneLine(e)}\n`);
      process.exit(1);
    });
}
