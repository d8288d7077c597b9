import { ApiClient } from './api';
import { Progress } from './progress';
import { loadSettings, type GlobalOptions, type Settings } from './settings';

/** What every command gets: resolved settings, API clients, output helpers. */
export type Context = {
  settings: Settings;
  hub: ApiClient;
  bridge: ApiClient;
  /** Writes a result line (or the JSON document with --json) to stdout. */
  out: (text: string) => void;
  /** Writes a note to stderr (not part of the result). */
  note: (text: string) => void;
  progress: () => Progress;
};

export function makeContext(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Context {
  const settings = loadSettings(opts, env);
  return {
    settings,
    hub: new ApiClient('hub', settings.hubUrl, settings.adminToken),
    bridge: new ApiClient('bridge', settings.bridgeUrl, settings.adminToken),
    out: (text) => process.stdout.write(`${text}\n`),
    note: (text) => process.stderr.write(`${text}\n`),
    progress: () => new Progress(process.stderr, settings.progress),
  };
}

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}
