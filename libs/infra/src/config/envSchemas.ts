import type { Address, Hex } from 'viem';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function url(protocols: readonly string[], what: string): z.ZodType<string> {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a ${what} URL (${protocols.map((p) => `${p}//`).join(' or ')})` },
  );
}

function port() {
  return z
    .string()
    .regex(/^\d{1,5}$/, 'must be a decimal TCP port')
    .transform(Number)
    .pipe(z.number().max(65535, 'must be at most 65535'));
}

/**
 * zod schemas for environment variables shared by the apps; each parses the raw string into the type the code
 * uses (brokers -> string[], chain integers -> bigint, keys and addresses -> viem's Hex / Address).
 *
 * @example
 * const schema = z.object({ DATABASE_URL: envSchemas.databaseUrl, KAFKA_BROKERS: envSchemas.kafkaBrokers, PORT: envSchemas.port(3000) });
 */
export const envSchemas = {
  /** `postgresql://user:pass@host:port/db`. */
  databaseUrl: url(['postgres:', 'postgresql:'], 'PostgreSQL'),
  /** Comma-separated `host:port` list, e.g. `127.0.0.1:19092,127.0.0.1:29092`. */
  kafkaBrokers: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter((b) => b !== ''),
    )
    .pipe(
      z
        .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each broker must be host:port'))
        .min(1, 'must list at least one broker'),
    ),
  /** TCP port (decimal, 1-65535) with a default; 0 is allowed for "any free port" in tests. */
  port: (defaultPort: number) => port().default(defaultPort),
  /** TCP port without a default (the caller derives one). */
  optionalPort: () => port().optional(),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  /** An http(s) or ws(s) JSON-RPC endpoint. */
  rpcUrl: url(['http:', 'https:', 'ws:', 'wss:'], 'JSON-RPC (http, https, ws, wss)'),
  /** A secp256k1 private key, 0x + 64 hex digits. */
  privateKey: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 0x-prefixed 32-byte hex private key')
    .transform((s) => s as Hex),
  /** A 20-byte address, 0x + 40 hex digits. */
  address: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address')
    .transform((s) => s as Address),
  /** A non-negative integer as a decimal string, parsed to bigint (amounts, chain ids, block numbers). */
  bigint: z
    .string()
    .regex(/^\d+$/, 'must be a non-negative decimal integer')
    .transform((s) => BigInt(s)),
  /**
   * Chain id -> RPC URL pairs, `901=http://127.0.0.1:8546,902=http://127.0.0.1:8547`, parsed to a Map keyed by
   * bigint chain id.
   */
  chainRpcUrls: z.string().transform((s, ctx) => {
    const map = new Map<bigint, string>();
    for (const part of s
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')) {
      const m = /^(\d+)=(\S+)$/.exec(part);
      const rpc = m?.[2];
      if (!m || !rpc || !/^(https?|wss?):\/\//.test(rpc)) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not chainId=http(s)://... or chainId=ws(s)://...` });
        return z.NEVER;
      }
      map.set(BigInt(m[1]!), rpc);
    }
    if (map.size === 0) {
      ctx.addIssue({ code: 'custom', message: 'must list at least one chainId=url pair' });
      return z.NEVER;
    }
    return map;
  }),
  /** A positive decimal integer that fits a JS number (counts, milliseconds). */
  positiveInt: (defaultValue: number) => z.coerce.number().int().positive().default(defaultValue),
  /** A non-negative decimal integer that fits a JS number (0 allowed: "off", "at once"). */
  nonNegativeInt: (defaultValue: number) => z.coerce.number().int().nonnegative().default(defaultValue),
  /** `true/false/1/0/yes/no`. */
  boolean: (defaultValue: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .transform((s) => s === 'true' || s === '1' || s === 'yes')
      .default(defaultValue),
} as const;
