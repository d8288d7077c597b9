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
    /** The L1 InteropHub (deployed with the verifier, SHARED_DEPTH and K of CIRCUIT_INSTANCE). */
    L1_HUB_ADDRESS: envSchemas.address,
    /** Holds CHAIN_MANAGER_ROLE on the InteropHub: registers, pauses and resumes chains. */
    L1_ADMIN_PRIVATE_KEY: envSchemas.privateKey,
    /** Holds SUBMITTER_ROLE: sends `submitRoot`. Defaults to the admin key. */
    L1_SUBMITTER_PRIVATE_KEY: envSchemas.privateKey.optional(),
    /** Bearer token of the admin endpoints (approve, pause, resume). */
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
    CIRCUIT_INSTANCE: z.enum(['test', 'prod']).default('prod'),
    /** An epoch starts at the latest this long after the previous one when batches wait. */
    EPOCH_INTERVAL_MS: envSchemas.positiveInt(10_000),
    /** Run the aggregator (epochs) in this process; off for an ingestion-only or API-only replica. */
    AGGREGATOR_ENABLED: envSchemas.boolean(true),
    /** Postgres advisory-lock key that elects the single active aggregator. */
    AGGREGATOR_LOCK_KEY: envSchemas.bigint.default(7_290_001n),
    PROVER_MODE: z.enum(['in-process', 'kafka']).default('in-process'),
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
