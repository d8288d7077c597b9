// Prover worker process: joins the `interop.proof-jobs` consumer group and proves jobs on a pool of worker
// threads (libs/prover ProofWorker). Run any number of them, on any machine, against the same brokers.
//
//   KAFKA_BROKERS=127.0.0.1:19092 npx tsx apps/prover/src/main.ts
//
// Env: KAFKA_BROKERS (required, comma-separated), PROVER_SHAPES (comma-separated circuits/shapes names, default
// every shape in circuits/shapes; each must be built: node scripts/build-circuits.mjs), PROVER_POOL_SIZE
// (default 1), PROVER_GROUP_ID (default interop-prover), PROVER_ID (default host:pid), PROVER_SESSION_TIMEOUT_MS
// (default 30000), PROVER_JOBS_TOPIC / PROVER_PROOFS_TOPIC / PROVER_DEAD_LETTER_TOPIC (defaults interop.*).
import { circuitArtifacts, loadShapes, ProofWorker, Prover, ProverError } from '@interop/prover';
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';

const env = z
  .object({
    KAFKA_BROKERS: z.string().min(1),
    PROVER_SHAPES: z
      .string()
      .regex(/^[a-z0-9]+(,[a-z0-9]+)*$/, 'comma-separated circuits/shapes names')
      .optional(),
    PROVER_POOL_SIZE: z.coerce.number().int().min(1).max(64).default(1),
    PROVER_GROUP_ID: z.string().min(1).default('interop-prover'),
    PROVER_ID: z.string().min(1).optional(),
    PROVER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).default(30_000),
    PROVER_JOBS_TOPIC: z.string().min(1).optional(),
    PROVER_PROOFS_TOPIC: z.string().min(1).optional(),
    PROVER_DEAD_LETTER_TOPIC: z.string().min(1).optional(),
  })
  .safeParse(process.env);

function log(msg: string): void {
  process.stdout.write(`${new Date().toISOString()} prover ${msg}\n`);
}

async function main(): Promise<void> {
  if (!env.success) {
    const issue = env.error.issues[0]!;
    throw new Error(`bad environment: ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = env.data;
  const known = loadShapes().map((s) => s.name);
  const names = e.PROVER_SHAPES ? e.PROVER_SHAPES.split(',') : known;
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`bad environment: PROVER_SHAPES: unknown shape(s) ${unknown.join(', ')}`);
  const provers = new Map(
    names.map((n) => [n, new Prover({ artifacts: circuitArtifacts(n), poolSize: e.PROVER_POOL_SIZE })] as const),
  );
  const kafka = new Kafka({ clientId: 'interop-prover', brokers: e.KAFKA_BROKERS.split(','), logLevel: logLevel.WARN });
  const worker = new ProofWorker({
    kafka,
    provers,
    concurrency: e.PROVER_POOL_SIZE,
    groupId: e.PROVER_GROUP_ID,
    sessionTimeoutMs: e.PROVER_SESSION_TIMEOUT_MS,
    ...(e.PROVER_ID ? { workerId: e.PROVER_ID } : {}),
    ...(e.PROVER_JOBS_TOPIC ? { jobsTopic: e.PROVER_JOBS_TOPIC } : {}),
    ...(e.PROVER_PROOFS_TOPIC ? { proofsTopic: e.PROVER_PROOFS_TOPIC } : {}),
    ...(e.PROVER_DEAD_LETTER_TOPIC ? { deadLetterTopic: e.PROVER_DEAD_LETTER_TOPIC } : {}),
    onJob: (epoch) => log(`proving epoch ${epoch}`),
    onProof: (m) => log(`proved epoch ${m.epoch} in ${m.ms} ms`),
    onDeadLetter: (reason, code) => log(`dead-lettered a job: ${code} ${reason}`),
    logger: { log, warn: log, error: log },
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: leaving the group`);
    await worker.stop().catch(() => undefined);
    await Promise.all([...provers.values()].map((p) => p.close()));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // The broker may be away at boot (or go away while this process starts): retry with capped backoff instead of
  // exiting into a supervisor that would restart it into the same wall. Once started, the consumer is supervised.
  for (let attempt = 0; !stopping; attempt++) {
    try {
      await worker.start();
      break;
    } catch (err) {
      const delay = Math.min(30_000, 500 * 2 ** Math.min(attempt, 10));
      log(`start failed (${err instanceof Error ? err.message : String(err)}); retrying in ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  if (stopping) return;
  log(`started: shapes ${names.join(', ')}, ${e.PROVER_POOL_SIZE} thread(s) each, group ${e.PROVER_GROUP_ID}`);
}

main().catch((err: unknown) => {
  const msg =
    err instanceof ProverError
      ? `${err.code}: ${err.message.split('\n')[0]}`
      : err instanceof Error
        ? err.message
        : String(err);
  process.stderr.write(`prover: ${msg}\n`);
  process.exit(1);
});
