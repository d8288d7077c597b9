/**
 * `npm run chaos -- [options]`: the fault, load and bad-input harness on a fresh devnet. Prints progress on stderr
 * and the JSON summary on stdout (and to --out); exits 1 on any loss, duplicate or broken invariant. See docs/chaos.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { Command, InvalidArgumentError } from 'commander';

import { randomSeed } from './rng';
import { defaultLogDir, interruptCleanups, runChaos, summaryToJson } from './run';

function duration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError(`not a duration: ${v} (e.g. 90s, 5m, 30000ms)`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

function int(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`not a non-negative integer: ${v}`);
  return n;
}

function positive(v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError(`not a positive number: ${v}`);
  return n;
}

const program = new Command('chaos')
  .description(
    'kill -9s, broker/database restarts, relayer crash, L2 reorg, fuzzed Kafka/HTTP input, forged proofs, load',
  )
  .option('--seed <n>', 'RNG seed (default: random, printed)', int)
  .option('--duration <d>', 'traffic with faults (e.g. 5m)', duration, 300_000)
  .option('--load <d>', 'fault-free sustained traffic first, memory sampled (e.g. 3m)', duration, 180_000)
  .option('--kills <n>', 'kill -9s spread over hub, chain apps, bridge, prover workers', int, 24)
  .option('--rate <n>', 'messages per second over all senders', positive, 4)
  .option('--fuzz <n>', 'fuzzed records per consumed Kafka topic', int, 10_000)
  .option('--http <n>', 'fuzzed requests per POST endpoint', int, 300)
  .option(
    '--forgeries <n>',
    'random tampered submissions/proofs per target (L1 submitRoot, L2 executeMessage), besides the fixed cases',
    int,
    100,
  )
  .option('--batch-interval <d>', "chain apps' BATCH_INTERVAL_MS (default 5s)", duration)
  .option('--kafka-down <d>', 'how long the broker stays down in its restart (default 1-4s, drawn)', duration)
  .option(
    '--kafka-cluster <n>',
    'dedicated Kafka as an n-node KRaft cluster (RF 3, min ISR 2): n rolling node restarts, the controller first',
    int,
  )
  .option('--postgres-down <d>', 'how long the database stays down in its restart (default 1-4s, drawn)', duration)
  .option('--shared-infra', 'use KAFKA_BROKERS and the shared Postgres (no broker/database restarts)')
  .option('--out <file>', 'also write the JSON summary there')
  .option('--log-dir <dir>', 'app logs (default .cache/chaos/run-<seed>-<time>)');

async function main(): Promise<void> {
  program.parse();
  const opts = program.opts<{
    seed?: number;
    duration: number;
    load: number;
    kills: number;
    rate: number;
    fuzz: number;
    http: number;
    forgeries: number;
    batchInterval?: number;
    kafkaDown?: number;
    kafkaCluster?: number;
    postgresDown?: number;
    sharedInfra?: boolean;
    out?: string;
    logDir?: string;
  }>();
  if (opts.kafkaCluster !== undefined && (opts.kafkaCluster < 1 || opts.sharedInfra))
    program.error(
      `--kafka-cluster: ${opts.sharedInfra ? 'needs dedicated infra (not --shared-infra)' : 'needs at least 1 node'}`,
    );
  const seed = opts.seed ?? randomSeed();
  const logDir = opts.logDir ?? defaultLogDir(seed);
  const t0 = Date.now();
  const log = (line: string) => process.stderr.write(`[chaos ${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);
  log(`seed ${seed} (repeat with --seed ${seed}); logs in ${logDir}`);
  const summary = await runChaos({
    seed,
    loadMs: opts.load,
    faultMs: opts.duration,
    kills: opts.kills,
    rate: opts.rate,
    fuzzPerTopic: opts.fuzz,
    httpPerEndpoint: opts.http,
    forgeries: opts.forgeries,
    ...(opts.batchInterval !== undefined ? { batchIntervalMs: opts.batchInterval } : {}),
    dedicatedInfra: !opts.sharedInfra,
    ...(opts.kafkaDown !== undefined ? { kafkaDownMs: opts.kafkaDown } : {}),
    ...(opts.kafkaCluster !== undefined ? { kafkaNodes: opts.kafkaCluster } : {}),
    ...(opts.postgresDown !== undefined ? { postgresDownMs: opts.postgresDown } : {}),
    ...(opts.sharedInfra ? { kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:19092' } : {}),
    logDir,
    log,
  });
  const text = summaryToJson(summary);
  process.stdout.write(`${text}\n`);
  if (opts.out) {
    const file = resolve(opts.out);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${text}\n`);
  }
  for (const w of summary.warnings) log(`warning: ${w}`);
  log(summary.ok ? 'OK' : `FAILED:\n  ${summary.failures.join('\n  ')}`);
  process.exit(summary.ok ? 0 : 1);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`chaos: ${signal}: stopping the devnet, broker and database\n`);
    void Promise.all([...interruptCleanups].map((c) => c())).finally(() => process.exit(130));
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`chaos: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(2);
});
