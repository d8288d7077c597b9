import { z } from 'zod';

import { ConfigError, type ConfigIssue } from './configError';

/**
 * Validates environment variables against a zod schema (an object, possibly piped through a transform) and returns the parsed, typed config.
 * Empty strings count as unset (a `.env` line `FOO=` means "no value"), so defaults apply to them.
 * Throws `ConfigError` naming every bad or missing variable; secrets never appear in the message (only why).
 *
 * @example
 * const config = loadConfig(z.object({ DATABASE_URL: envSchemas.databaseUrl, PORT: envSchemas.port(3000) }));
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> {
  // The whole environment goes in: object schemas drop the variables they do not declare.
  const input: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') input[key] = value.trim();
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: ConfigIssue[] = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(config)');
    const reason =
      issue.code === 'invalid_type' && input[variable] === undefined ? 'required but not set' : issue.message;
    return { variable, reason };
  });
  throw new ConfigError(issues);
}
