import { envSchemas } from '@interop/infra';
import { TOPICS } from '@interop/infra';
import { z } from 'zod';

const nonNegativeInt = (defaultValue: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a non-negative decimal integer')
    .transform(Number)
    .pipe(z.number().int().max(Number.MAX_SAFE_INTEGER, 'is too large'))
    .default(defaultValue);

const positiveInt = (defaultValue: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a positive decimal integer')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(max, `must be at most ${max}`))
    .default(defaultValue);

/** Deepest chain tree the app builds (libs/protocol Poseidon trees take depths 1..32). */
export const MAX_CHAIN_DEPTH = 32;

/**
 * Every environment variable of a chain app (one process per L2 chain; the table is in docs/chain.md).
 * The port defaults to 3100 + CHAIN_INDEX so that several chain apps on one host do not collide.
 */
export const chainConfigSchema = z
  .object({
    CHAIN_ID: envSchemas.bigint,
    CHAIN_INDEX: z
      .string()
      .regex(/^\d{1,3}$/, 'must be a small non-negative integer')
      .transform(Number)
      .default(0),
    DATABASE_URL: envSchemas.databaseUrl,
    KAFKA_BROKERS: envSchemas.kafkaBrokers,
    KAFKA_CLIENT_ID: z.string().optional(),
    KAFKA_TOPIC_BATCH_ROOTS: z.string().min(1).default(TOPICS.batchRoots),
    KAFKA_TOPIC_MESSAGES: z.string().min(1).default(TOPICS.messages),
    KAFKA_SEND_TIMEOUT_MS: positiveInt(10_000),
    // Below the broker's message.max.bytes (1 MiB by default): records of one key form one record batch per request.
    KAFKA_MAX_REQUEST_BYTES: positiveInt(512 * 1024, 64 * 1024 * 1024),
    HOST: z.string().default('0.0.0.0'),
    PORT: envSchemas.optionalPort(),
    LOG_LEVEL: envSchemas.logLevel,
    L2_RPC_URL: envSchemas.rpcUrl,
    L1_RPC_URL: envSchemas.rpcUrl,
    L1_CHAIN_ID: envSchemas.bigint.default(900n),
    L1_HUB_ADDRESS: envSchemas.address,
    INTEROP_CENTER_ADDRESS: envSchemas.address,
    INTEROP_HANDLER_ADDRESS: envSchemas.address,
    OPERATOR_PRIVATE_KEY: envSchemas.privateKey,
    CONFIRMATIONS: nonNegativeInt(2),
    // Sealing rule (docs/chain.md "Batcher"): a batch when a new confirmed block brought messages, at most
    // BATCH_MAX_MESSAGES each, not sooner than BATCH_MIN_INTERVAL_MS after the previous one, and no message in a
    // confirmed block waits more than BATCH_INTERVAL_MS (while the watcher catches up).
    BATCH_INTERVAL_MS: positiveInt(5_000),
    BATCH_MIN_INTERVAL_MS: nonNegativeInt(0),
    // A batch tree of depth 16 holds 65,536 leaves (SPEC "Batch tree").
    BATCH_MAX_MESSAGES: positiveInt(10_000, 65_536),
    BATCH_DEPTH: positiveInt(16, 32),
    // No default: the depth is L1 InteropHub's CHAIN_DEPTH(), read at boot; when set, it must equal it.
    CHAIN_DEPTH: z
      .string()
      .regex(/^\d+$/, 'must be a positive decimal integer')
      .transform(Number)
      .pipe(z.number().int().min(1, 'must be at least 1').max(MAX_CHAIN_DEPTH, `must be at most ${MAX_CHAIN_DEPTH}`))
      .optional(),
    POLL_INTERVAL_MS: positiveInt(1_000),
    START_BLOCK: envSchemas.bigint.default(0n),
    MAX_BLOCK_RANGE: positiveInt(200, 10_000),
    L1_START_BLOCK: envSchemas.bigint.default(0n),
    L1_CONFIRMATIONS: nonNegativeInt(0),
    ROOT_IMPORTER_ENABLED: envSchemas.boolean(true),
  })
  .refine((c) => c.BATCH_MAX_MESSAGES <= 2 ** c.BATCH_DEPTH, {
    message: 'must not exceed 2^BATCH_DEPTH (the leaves of one batch tree)',
    path: ['BATCH_MAX_MESSAGES'],
  })
  .refine((c) => c.BATCH_MIN_INTERVAL_MS <= c.BATCH_INTERVAL_MS, {
    message: 'must not exceed BATCH_INTERVAL_MS (the longest a confirmed message waits)',
    path: ['BATCH_MIN_INTERVAL_MS'],
  })
  .transform(({ PORT, KAFKA_CLIENT_ID, ...rest }) => ({
    ...rest,
    PORT: PORT ?? 3100 + rest.CHAIN_INDEX,
    KAFKA_CLIENT_ID: KAFKA_CLIENT_ID ?? `chain-${rest.CHAIN_ID}`,
  }));

export type ChainConfig = z.output<typeof chainConfigSchema>;

/** Injection token of the validated `ChainConfig`. */
export const CHAIN_CONFIG = Symbol('CHAIN_CONFIG');
