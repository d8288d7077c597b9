import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { Address, Hex } from 'viem';

import { UsageError } from './errors';

/** Global options of every command (commander's parsed values). */
export type GlobalOptions = {
  hubUrl?: string;
  bridgeUrl?: string;
  adminToken?: string;
  envFile?: string;
  json?: boolean;
  progress?: boolean;
};

/** Where every setting comes from, resolved: flags > INTEROP_* environment > plain environment > env file > defaults. */
export type Settings = {
  hubUrl: string;
  bridgeUrl: string;
  adminToken: string | undefined;
  privateKey: Hex | undefined;
  l1ChainId: bigint;
  l1HubAddress: Address | undefined;
  chainsJson: string | undefined;
  envFile: string | undefined;
  json: boolean;
  progress: boolean;
};

export const DEFAULT_HUB_URL = 'http://127.0.0.1:3000';
export const DEFAULT_BRIDGE_URL = 'http://127.0.0.1:3001';

/**
 * Parses a dotenv-style file as `npm run devnet` writes it (`.devnet/env`): `KEY=value` lines, `#` comments,
 * optional `export `, values optionally in single or double quotes. Later lines win.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!.trim();
    if (value.length >= 2 && (value[0] === "'" || value[0] === '"') && value.endsWith(value[0])) {
      value = value.slice(1, -1);
    }
    out[m[1]!] = value;
  }
  return out;
}

/** The repository root of this CLI (holds `circuits/keys`), found from this file upwards. */
export function repoRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'circuits', 'keys'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** The env file to read: the flag, INTEROP_ENV_FILE, else `.devnet/env` in the working directory or the repo. */
export function findEnvFile(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): string | undefined {
  const explicit = flag ?? env.INTEROP_ENV_FILE;
  if (explicit !== undefined && explicit !== '') {
    if (!existsSync(explicit)) throw new UsageError(`env file ${explicit} does not exist`);
    return explicit;
  }
  for (const candidate of [path.join(cwd, '.devnet', 'env'), path.join(repoRoot(), '.devnet', 'env')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const URL_RE = /^https?:\/\/[^\s/]+(\/\S*)?$/;

/** Resolves every setting (pure: the env file's content is passed in). */
export function resolveSettings(
  opts: GlobalOptions,
  env: NodeJS.ProcessEnv,
  file: Record<string, string>,
  envFile?: string,
): Settings {
  const pick = (flag: string | undefined, ...names: string[]): string | undefined => {
    if (flag !== undefined && flag !== '') return flag;
    for (const n of names) {
      const v = env[n];
      if (v !== undefined && v !== '') return v;
    }
    for (const n of names) {
      const v = file[n];
      if (v !== undefined && v !== '') return v;
    }
    return undefined;
  };
  const url = (value: string, what: string): string => {
    if (!URL_RE.test(value)) throw new UsageError(`${what} ${value} is not an http(s) URL`);
    return value.replace(/\/+$/, '');
  };
  const hubUrl = url(pick(opts.hubUrl, 'INTEROP_HUB_URL', 'HUB_URL') ?? DEFAULT_HUB_URL, 'hub URL');
  const bridgeUrl = url(pick(opts.bridgeUrl, 'INTEROP_BRIDGE_URL', 'BRIDGE_URL') ?? DEFAULT_BRIDGE_URL, 'bridge URL');
  const privateKey = pick(undefined, 'INTEROP_PRIVATE_KEY');
  if (privateKey !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(privateKey)) {
    throw new UsageError('INTEROP_PRIVATE_KEY is not a 0x-prefixed 32-byte hex private key');
  }
  const l1ChainId = pick(undefined, 'INTEROP_L1_CHAIN_ID', 'L1_CHAIN_ID') ?? '900';
  if (!/^\d{1,20}$/.test(l1ChainId)) throw new UsageError(`L1 chain id ${l1ChainId} is not a decimal integer`);
  const l1HubAddress = pick(undefined, 'INTEROP_L1_HUB_ADDRESS', 'L1_HUB_ADDRESS');
  if (l1HubAddress !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(l1HubAddress)) {
    throw new UsageError(`L1 hub address ${l1HubAddress} is not a 20-byte hex address`);
  }
  return {
    hubUrl,
    bridgeUrl,
    adminToken: pick(opts.adminToken, 'INTEROP_ADMIN_TOKEN', 'ADMIN_TOKEN'),
    privateKey: privateKey as Hex | undefined,
    l1ChainId: BigInt(l1ChainId),
    l1HubAddress: l1HubAddress as Address | undefined,
    chainsJson: pick(undefined, 'INTEROP_CHAINS_JSON', 'CHAINS_JSON'),
    envFile,
    json: opts.json === true,
    progress: opts.progress !== false,
  };
}

/** Reads the env file (if any) and resolves the settings. */
export function loadSettings(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Settings {
  const envFile = findEnvFile(opts.envFile, env);
  let file: Record<string, string> = {};
  if (envFile !== undefined) {
    try {
      file = parseEnvFile(readFileSync(envFile, 'utf8'));
    } catch (e) {
      throw new UsageError(`cannot read env file ${envFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return resolveSettings(opts, env, file, envFile);
}

/** The admin token, or a usage error saying where to put it. */
export function requireAdminToken(s: Settings): string {
  if (s.adminToken === undefined) {
    throw new UsageError('this command needs the admin token: --admin-token, INTEROP_ADMIN_TOKEN or ADMIN_TOKEN');
  }
  return s.adminToken;
}

/** The private key (flag first), or a usage error saying where to put it. */
export function requirePrivateKey(s: Settings, flag: Hex | undefined): Hex {
  const key = flag ?? s.privateKey;
  if (key === undefined)
    throw new UsageError('this command signs a transaction: pass --key or set INTEROP_PRIVATE_KEY');
  return key;
}
