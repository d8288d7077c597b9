import { envSchemas, TOPICS } from '@interop/infra';
import { PRODUCTION_DEPTHS, type TreeDepths } from '@interop/protocol';
import type { Address } from 'viem';
import { z } from 'zod';

const positiveInt = (defaultValue: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a positive decimal integer')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(max, `must be at most ${max}`))
    .default(defaultValue);

/** A tree depth (1-32) with its production default (libs/protocol PRODUCTION_DEPTHS, SPEC "Depths"). */
const depth = (defaultValue: number) =>
  z
    .string()
    .regex(/^\d{1,2}$/, 'must be a tree depth (1-32)')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be a tree depth (1-32)').max(32, 'must be a tree depth (1-32)'))
    .default(defaultValue);

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte address');

/** One L2 the bridge relays from and to (an entry of CHAINS_JSON). */
export type BridgeChain = {
  chainId: bigint;
  rpcUrl: string;
  interopCenter: Address;
  interopHandler: Address;
  nativeTokenVault: Address;
};

const chainsJson = z.string().transform((s, ctx): BridgeChain[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not JSON' });
    return z.NEVER;
  }
  const entries = z
    .array(
      z
        .object({
          chainId: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]),
          rpcUrl: z.string().regex(/^(https?|wss?):\/\//, 'must be an http(s) or ws(s) URL'),
          interopCenter: address,
          interopHandler: address,
          nativeTokenVault: address,
        })
        .strict(),
    )
    .min(1, 'must list at least one chain')
    .safeParse(parsed);
  if (!entries.success) {
    for (const issue of entries.error.issues) {
      ctx.addIssue({ code: 'custom', message: `${issue.path.join('.') || '(root)'}: ${issue.message}` });
    }
    return z.NEVER;
  }
  const chains = entries.data.map((e) => ({
    chainId: BigInt(e.chainId),
    rpcUrl: e.rpcUrl,
    interopCenter: e.interopCenter as Address,
    interopHandler: e.interopHandler as Address,
    nativeTokenVault: e.nativeTokenVault as Address,
  }));
  if (new Set(chains.map((c) => c.chainId)).size !== chains.length) {
    ctx.addIssue({ code: 'custom', message: 'lists a chain id twice' });
    return z.NEVER;
  }
  return chains;
});

const splitBps = z
  .string()
  .regex(/^\d{1,5},\d{1,5},\d{1,5}$/, 'must be burn,staking,treasury basis points, e.g. 2000,3000,5000')
  .transform((s) => s.split(',').map(Number) as [number, number, number])
  .refine(([a, b, c]) => a + b + c === 10_000, 'the three basis points must sum to 10000')
  .default([2_000, 3_000, 5_000]);

/** Where `CHAOS_RELAYER_CRASH` makes the relayer kill itself: after recording a signed transaction, or after broadcasting it. */
export const CHAOS_RELAYER_CRASH_POINTS = ['after-record', 'after-broadcast'] as const;
export type ChaosRelayerCrashPoint = (typeof CHAOS_RELAYER_CRASH_POINTS)[number];

/** Every environment variable of the bridge app (the table is in docs/bridge.md). */
export const bridgeConfigSchema = z
  .object({
    DATABASE_URL: envSchemas.databaseUrl,
    KAFKA_BROKERS: envSchemas.kafkaBrokers,
    KAFKA_GROUP_ID: z.string().min(1).default('bridge'),
    KAFKA_FAST: envSchemas.boolean(false),
    TOPIC_MESSAGES: z.string().min(1).default(TOPICS.messages),
    TOPIC_SHARED_ROOTS: z.string().min(1).default(TOPICS.sharedRoots),
    TOPIC_DEAD_LETTER: z.string().min(1).default(TOPICS.deadLetter),
    HOST: z.string().default('0.0.0.0'),
    PORT: envSchemas.port(3001),
    LOG_LEVEL: envSchemas.logLevel,
    L1_RPC_URL: envSchemas.rpcUrl,
    L1_CHAIN_ID: envSchemas.bigint.default(900n),
    /**
     * When set, every shared root is checked against `InteropHub.rootAt(epoch)` before it is trusted, and CHAIN_DEPTH /
     * SHARED_DEPTH against the contract's immutables at boot (`checkL1Depths`).
     */
    L1_HUB_ADDRESS: envSchemas.address.optional(),
    /** The hub's HTTP API (http(s) URL): the operator page reads chains and epochs from it through the bridge. */
    HUB_URL: z
      .string()
      .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an http(s) URL')
      .transform((s) => s.replace(/\/+$/, ''))
      .optional(),
    CHAINS_JSON: chainsJson,
    RELAYER_PRIVATE_KEY: envSchemas.privateKey,
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
    INTAKE_ENABLED: envSchemas.boolean(true),
    RELAYER_ENABLED: envSchemas.boolean(true),
    RELAY_INTERVAL_MS: positiveInt(1_000),
    /** Messages leased per relay round; also the most one relay transaction carries. */
    RELAY_BATCH_SIZE: positiveInt(1_024, 20_000),
    /** Share of the destination's block gas limit one relay transaction may need at most (worst case), in percent. */
    RELAY_TX_GAS_PERCENT: positiveInt(50, 100),
    /** Calldata bytes one relay transaction may carry at most (geth's pool refuses transactions over 128 KiB). */
    RELAY_MAX_TX_BYTES: positiveInt(120_000, 16_000_000),
    /** Estimated gas of one relayed message besides its recipient's gasLimit (proof of a proven batch, calldata). */
    RELAY_GAS_PER_MESSAGE: positiveInt(100_000, 30_000_000),
    /** Estimated extra gas of a batch's first message: its chain and shared Poseidon paths are checked once. */
    RELAY_GAS_PER_BATCH: positiveInt(1_000_000, 30_000_000),
    RELAY_LEASE_MS: positiveInt(60_000),
    RECEIPT_TIMEOUT_MS: positiveInt(60_000),
    MAX_ATTEMPTS: positiveInt(5, 1_000),
    BACKOFF_BASE_MS: positiveInt(1_000),
    BACKOFF_MAX_MS: positiveInt(300_000),
    DEFAULT_SPLIT_BPS: splitBps,
    /** Keccak batch-tree depth (the L2 InteropHandlers' BATCH_DEPTH). */
    BATCH_DEPTH: depth(PRODUCTION_DEPTHS.batchDepth),
    /** Poseidon chain-tree depth; must be L1 InteropHub's CHAIN_DEPTH() (checked at boot with L1_HUB_ADDRESS). */
    CHAIN_DEPTH: depth(PRODUCTION_DEPTHS.chainDepth),
    /** Poseidon shared-tree depth; must be L1 InteropHub's SHARED_DEPTH() (checked at boot with L1_HUB_ADDRESS). */
    SHARED_DEPTH: depth(PRODUCTION_DEPTHS.sharedDepth),
    /**
     * Fault injection for the chaos harness (chaos/faults.ts `relayerCrash`), unset in production: the relayer
     * SIGKILLs its own process at this point of its first relay (RelayerService).
     */
    CHAOS_RELAYER_CRASH: z
      .enum(CHAOS_RELAYER_CRASH_POINTS, { error: `must be one of ${CHAOS_RELAYER_CRASH_POINTS.join(', ')}` })
      .optional(),
  })
  .refine((c) => c.BACKOFF_BASE_MS <= c.BACKOFF_MAX_MS, {
    message: 'must not exceed BACKOFF_MAX_MS',
    path: ['BACKOFF_BASE_MS'],
  })
  .transform(({ BATCH_DEPTH, CHAIN_DEPTH, SHARED_DEPTH, ...rest }) => {
    const depths: TreeDepths = { batchDepth: BATCH_DEPTH, chainDepth: CHAIN_DEPTH, sharedDepth: SHARED_DEPTH };
    return { ...rest, depths };
  });

export type BridgeConfig = z.output<typeof bridgeConfigSchema>;

/** Injection token of the validated `BridgeConfig`. */
export const BRIDGE_CONFIG = Symbol('BRIDGE_CONFIG');
