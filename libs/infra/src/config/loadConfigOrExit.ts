import type { z } from 'zod';

import { ConfigError } from './configError';
import { loadConfig } from './loadConfig';

/**
 * `loadConfig` for an app's `main.ts`: on a `ConfigError` it writes that one message to stderr and exits with
 * status 1 (no stack trace, nothing else started), so the operator sees exactly which variables to fix.
 *
 * @example
 * const config = loadConfigOrExit(hubConfigSchema);
 */
export function loadConfigOrExit<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> {
  try {
    return loadConfig(schema, env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}
