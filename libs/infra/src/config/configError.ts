import { AppError } from '../errors/appError';

/** One rejected environment variable and why. */
export type ConfigIssue = { variable: string; reason: string };

/**
 * Configuration rejected at boot. The message lists every bad variable with the reason, one per line, so the
 * operator fixes them all in one go; `issues` holds the same list for programs.
 *
 * @example
 * try { loadConfig(schema) } catch (e) { if (e instanceof ConfigError) console.error(e.message) }
 */
export class ConfigError extends AppError {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super(
      'CONFIG_INVALID',
      500,
      `Invalid configuration (${issues.length} variable${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  ${i.variable}: ${i.reason}`).join('\n'),
      { details: issues },
    );
    this.issues = issues;
  }
}
