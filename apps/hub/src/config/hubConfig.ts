import { envSchemas, TOPICS } from '@interop/infra';
import { z } from 'zod';

/** Every environment variable of the hub app (documented in docs/hub.md). */
export const hubConfigSchema = z
  .object({
    DATABASE_URL: envSchemas.databaseUrl,
    KAFKA_BROKERS: envSchemas.kafkaBrokers,
    HOST: z.string().default('0.0.0.0'),
    PORT: envSchemas.port(3000),
    LOG_LEVEL: envSchemas.logLevel,
    L1_RPC_URL: envSchemas.rpcUrl,
    L1_CHAIN_ID: envSchemas.bigint.default(900n),
    /** The L1 InteropHub: its CHAIN_DEPTH, SHARED_DEPTH and active epoch shapes are read from it at boot. */
    L1_HUB_ADDRESS: envSchemas.address,
    /** Holds CHAIN_MANAGER_ROLE on the InteropHub: registers, pauses and resumes chains. */
    L1_ADMIN_PRIVATE_KEY: envSchemas.privateKey,
    /** Holds SUBMITTER_ROLE: sends `submitRoot`. Defaults to the admin key. */
    L1_SUBMITTER_PRIVATE_KEY: envSchemas.privateKey.optional(),
    /** Bearer token of the admin endpoints (approve, pause, resume). */
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
    /**
     * The epoch shapes this hub proves (circuits/shapes names, comma-separated; default: every shape there). Each
     * must be built for the network's depths; the aggregator uses those that are also active on L1.
     */
    EPOCH_SHAPES: z
      .string()
      .regex(/^[a-z0-9]+(,[a-z0-9]+)*$/, 'must be comma-separated circuits/shapes names')
      .optional(),
    /**
     * No epoch starts sooner than this after the previous one, unless the backlog exceeds every shape (0: an epoch
     * starts as soon as a batch waits and the prover has room). More means fewer, fuller L1 transactions.
     */
    EPOCH_MIN_INTERVAL_MS: envSchemas.nonNegativeInt(0),
    /** Epochs created but not settled at most: epoch n + 1 is proved while n is proved or settles. */
    EPOCH_PIPELINE_DEPTH: envSchemas.positiveInt(2),
    /** Run the aggregator (epochs) in this process; off for an ingestion-only or API-only replica. */
    AGGREGATOR_ENABLED: envSchemas.boolean(true),
    /** Postgres advisory-lock key that elects the single active aggregator. */
    AGGREGATOR_LOCK_KEY: envSchemas.bigint.default(7_290_001n),
    PROVER_MODE: z.enum(['in-process', 'kafka']).default('in-process'),
    /** Proofs at once: in-process worker threads, or (kafka) epochs handed to the prover workers at once. */
    PROVER_WORKERS: envSchemas.positiveInt(1),
    /** Longest wait for a proof before the epoch step is retried. */
    PROVER_TIMEOUT_MS: envSchemas.positiveInt(600_000),
    KAFKA_GROUP_ID: z.string().min(1).default('interop-hub'),
    /** Short Kafka timings (tests, devnet). */
    KAFKA_FAST: envSchemas.boolean(false),
    /** Partitions of interop.batch-roots processed at once (records of one chain stay in order: key = chainId). */
    INGEST_CONCURRENCY: envSchemas.positiveInt(3),
    /** Most records of one partition judged and written in one transaction (a larger Kafka batch is split). */
    INGEST_MAX_BATCH: envSchemas.positiveInt(1000),
    TOPIC_BATCH_ROOTS: z.string().min(1).default(TOPICS.batchRoots),
    TOPIC_SHARED_ROOTS: z.string().min(1).default(TOPICS.sharedRoots),
    TOPIC_DEAD_LETTER: z.string().min(1).default(TOPICS.deadLetter),
    TOPIC_PROOF_JOBS: z.string().min(1).default(TOPICS.proofJobs),
    TOPIC_PROOFS: z.string().min(1).default(TOPICS.proofs),
  })
  .transform((c) => ({ ...c, L1_SUBMITTER_PRIVATE_KEY: c.L1_SUBMITTER_PRIVATE_KEY ?? c.L1_ADMIN_PRIVATE_KEY }));

export type HubConfig = z.output<typeof hubConfigSchema>;

/** Injection token of the validated `HubConfig`. */
export const HUB_CONFIG = Symbol('HUB_CONFIG');
