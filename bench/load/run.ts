/**
 * Load benchmark: the whole network at saturation (`npm run bench -- load`, or
 * `npx tsx bench/load/run.ts [--steps 25,50,100,200,400] [--step-seconds 60] [--keys 24]`).
 *
 * The devnet as processes (libs/devnet: anvil L1 + two L2s mining a block every --block-time s with a raised gas
 * limit, the hub proving every epoch with real Groth16 proofs at production depths, both chain apps, the bridge,
 * Kafka (KAFKA_BROKERS or the local broker) and Postgres). Many sender keys per L2 (locally managed nonces, signed
 * here, broadcast in JSON-RPC batches) send cross-chain calls in both directions at a target rate that steps up, one
 * step after the other, until the network saturates: the step whose executed rate over its measured window (after
 * a warm-up at the same rate, so the pipeline is full) falls below 80% of what was sent in it. Then the backlog
 * drains and the run checks correctness. The chain apps seal a batch every --batch-interval ms at most (default
 * 4 s): under load, batch roots per second, not messages, are what the hub's prover must keep up with.
 *
 * Reported (bench/results/load.json, plot bench/results/load.svg):
 *   - per step: target and achieved send rate, executed rate, latency from broadcast to the bridge recording the
 *     execution (p50/p90/p99), the backlog of each stage at the end of the step, CPU ms per executed message of
 *     each process (apps, anvil nodes, this generator);
 *   - samples every 2 s: sent, messages per bridge status, ledger entries, CPU per process;
 *   - checks: every message executed exactly once on chain (one MessageExecuted event each) and `executed` in the
 *     bridge, one fee_charged and one fee_earned entry per message, every journal entry balanced per currency,
 *     `GET /accounting/reconcile` ok. Exits 1 when a check fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

import { startDevnet } from '@interop/devnet';
import { Command } from 'commander';
import pg from 'pg';

import { runChecks } from './checks';
import { svgChart } from './plot';
import { chainProgress, cpuMsByProcess, entriesByKind, messagesByStatus } from './probe';
import { bothDirections, rpc, sendSteadily, type SentTx } from './sender';

const ROOT = join(__dirname, '..', '..');
const SAMPLE_MS = 2_000;
const STAGES = ['sent', 'batched', 'proven', 'relaying'] as const;

const log = (line: string) => process.stderr.write(`[bench load ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

type StepResult = {
  targetPerSecond: number;
  sendWindowMs: number;
  sentPerSecond: number;
  executedPerSecond: number;
  backlogAtEnd: Record<string, number>;
  cpuMsPerExecutedMessage: Record<string, number>;
  sendErrors: number;
  latencyMs?: ReturnType<typeof latencyStats>;
};

type Sample = {
  t: number;
  target: number;
  sent: number;
  statuses: Record<string, number>;
  /** The chain apps' counts: scanned from L2 logs, sealed into batches, published to Kafka. */
  chain: { scanned: number; sealed: number; published: number };
  entries: number;
  cpuMs: Record<string, number>;
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

function latencyStats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return {
    count: s.length,
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p99: percentile(s, 99),
    max: s.at(-1) ?? 0,
  };
}

const round2 = (x: number) => Number(x.toFixed(2));

async function main(): Promise<void> {
  const opts = new Command()
    .option('--steps <list>', 'target messages/s of each step (both directions together)', '25,50,100,200,400')
    .option('--step-seconds <n>', 'length of each step', '60')
    .option('--keys <n>', 'sender keys per L2', '24')
    .option('--block-time <s>', 'L2 block time (interval mining after deployment)', '1')
    .option('--warmup-seconds <n>', 'sending at each step rate before its measured window (the pipeline fills)', '45')
    .option(
      '--batch-interval <ms>',
      "chain apps' BATCH_MIN_INTERVAL_MS = BATCH_INTERVAL_MS: batch roots per second the hub must prove",
      '4000',
    )
    .option(
      '--epoch-interval <ms>',
      "the hub's EPOCH_MIN_INTERVAL_MS: fuller epochs, fewer proofs (one proof at a time; a proof costs about as much CPU for 2 batch roots as for 32 on a loaded machine)",
      '12000',
    )
    .option('--drain-seconds <n>', 'longest wait for the backlog after the last step', '600')
    .option('--no-stop-at-saturation', 'run every step even after the network saturated')
    .parse()
    .opts<{
      steps: string;
      stepSeconds: string;
      keys: string;
      blockTime: string;
      warmupSeconds: string;
      batchInterval: string;
      epochInterval: string;
      drainSeconds: string;
      stopAtSaturation: boolean;
    }>();
  const steps = opts.steps.split(',').map(Number);
  if (steps.some((r) => !(r > 0))) throw new Error(`--steps: expected positive numbers, got ${opts.steps}`);
  const stepMs = Number(opts.stepSeconds) * 1000;
  const keys = Number(opts.keys);
  const load0 = loadavg();
  const logDir = join(ROOT, '.cache', 'bench', `load-${Date.now()}`);

  const t0 = Date.now();
  const devnet = await startDevnet({
    kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:19092',
    logDir,
    log,
    l2GasLimit: 1_000_000_000n,
    appEnv: {
      chain: { BATCH_INTERVAL_MS: opts.batchInterval, BATCH_MIN_INTERVAL_MS: opts.batchInterval },
      hub: { EPOCH_MIN_INTERVAL_MS: opts.epochInterval },
    },
  });
  log(`devnet up in ${Date.now() - t0} ms; logs in ${logDir}`);
  const db = new pg.Client({ connectionString: devnet.databaseUrl });
  await db.connect();
  let exitCode = 0;
  try {
    const routes = await bothDirections(devnet, keys, 'bench-load');
    for (const c of devnet.chains) await rpc(c.rpcUrl, 'evm_setIntervalMining', [Number(opts.blockTime)]);
    log(`${keys} sender keys per L2 funded; L2s mine a block every ${opts.blockTime} s`);

    const sent = new Map<string, SentTx>();
    const samples: Sample[] = [];
    let target = 0;
    const started = Date.now();
    const processes = () => [...devnet.processes(), { name: 'load-generator', pid: process.pid }];
    const sample = async () => {
      const [statuses, entries, chain] = await Promise.all([
        messagesByStatus(db),
        entriesByKind(db),
        chainProgress(db),
      ]);
      samples.push({
        t: (Date.now() - started) / 1000,
        target,
        sent: sent.size,
        statuses,
        chain,
        entries: Object.values(entries).reduce((s, n) => s + n, 0),
        cpuMs: cpuMsByProcess(processes()),
      });
    };
    await sample();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
        await sample().catch((e: unknown) => log(`sample failed: ${(e as Error).message}`));
      }
    })();

    const sendAt = (rate: number, ms: number) => sendSteadily(routes, rate, ms, sent);

    const stepResults: StepResult[] = [];
    const stepWindows: Array<[number, number]> = [];
    let saturatedAt: number | undefined;
    for (const rate of steps) {
      target = rate;
      // Each step first sends for the warm-up, unmeasured: at a new rate the pipeline fills (its latency is tens of
      // seconds: a batch interval, an epoch, a relay round) before the executed rate can show what it sustains.
      log(`step ${rate}/s: ${opts.warmupSeconds} s warm-up, then ${stepMs / 1000} s measured`);
      await sendAt(rate, Number(opts.warmupSeconds) * 1000);
      const stepStart = Date.now();
      const before = samples.at(-1)!;
      await sendAt(rate, stepMs);
      const sendWindowMs = Date.now() - stepStart;
      stepWindows.push([stepStart, stepStart + sendWindowMs]);
      // Wait one sample so the step's end is measured.
      await new Promise((r) => setTimeout(r, SAMPLE_MS + 100));
      const stepSamples = samples.filter(
        (s) => s.t * 1000 >= stepStart - started && s.t * 1000 <= sendWindowMs + stepStart - started,
      );
      const end = stepSamples.at(-1) ?? samples.at(-1)!;
      const executedRate =
        ((end.statuses.executed ?? 0) - (before.statuses.executed ?? 0)) / Math.max(0.001, end.t - before.t);
      const sendRate = (end.sent - before.sent) / Math.max(0.001, end.t - before.t);
      const cpuPerExecuted = Object.fromEntries(
        Object.entries(end.cpuMs).map(([name, ms]) => [
          name,
          round2(
            (ms - (before.cpuMs[name] ?? 0)) /
              Math.max(1, (end.statuses.executed ?? 0) - (before.statuses.executed ?? 0)),
          ),
        ]),
      );
      const backlog = backlogOf(end);
      const result: StepResult = {
        targetPerSecond: rate,
        sendWindowMs,
        sentPerSecond: round2(sendRate),
        executedPerSecond: round2(executedRate),
        backlogAtEnd: backlog,
        cpuMsPerExecutedMessage: cpuPerExecuted,
        sendErrors: routes.reduce((s, r) => s + r.errorCount, 0),
      };
      stepResults.push(result);
      log(
        `step ${rate}/s: sent ${result.sentPerSecond}/s, executed ${result.executedPerSecond}/s, ` +
          `backlog ${JSON.stringify(backlog)}`,
      );
      if (executedRate < 0.8 * sendRate && saturatedAt === undefined) {
        saturatedAt = rate;
        if (opts.stopAtSaturation) break;
      }
    }
    target = 0;

    // Drain: every accepted send executed (or failed), or the deadline.
    const drainStart = Date.now();
    let lastProgress = drainStart;
    for (;;) {
      const s = samples.at(-1)!;
      const done = (s.statuses.executed ?? 0) + (s.statuses.failed ?? 0);
      if (done >= sent.size) break;
      if (Date.now() - drainStart > Number(opts.drainSeconds) * 1000) {
        log(`drain deadline: ${done}/${sent.size} done`);
        break;
      }
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
      if (Date.now() - lastProgress >= 20_000) {
        lastProgress = Date.now();
        log(`draining: ${done}/${sent.size} executed`);
      }
    }
    const drainMs = Date.now() - drainStart;
    sampling = false;
    await sampler;
    await sample();
    // The raw samples first: an analysis that fails below must not lose the run.
    writeFileSync(join(logDir, 'samples.json'), JSON.stringify({ steps: stepResults, samples }));

    // Per-message latency (broadcast here -> the bridge's `executed` event) and stage times, by source tx hash.
    const rows = await db.query<{ tx: string; status: string; stage: string; at: Date }>(
      `SELECT lower(m.src_tx_hash) AS tx, m.status::text AS status, e.status::text AS stage, min(e.at) AS at
         FROM messages m JOIN message_events e ON e.message_id = m.id
        GROUP BY 1, 2, 3`,
    );
    const byTx = new Map<string, { status: string; stages: Record<string, number> }>();
    for (const r of rows.rows) {
      const e = byTx.get(r.tx) ?? { status: r.status, stages: {} };
      e.stages[r.stage] = r.at.getTime();
      byTx.set(r.tx, e);
    }
    // Messages sent during the warm-up or between steps count in the totals only.
    const stepOf = (t: number) => stepWindows.findIndex(([from, to]) => t >= from && t <= to);
    const latencies: number[][] = stepResults.map(() => []);
    const allLatencies: number[] = [];
    const stageTimes = {
      sentToBatched: [] as number[],
      batchedToProven: [] as number[],
      provenToExecuted: [] as number[],
    };
    const executedAt: Array<[number, number]> = [];
    for (const [hash, tx] of sent) {
      const m = byTx.get(hash);
      const exec = m?.stages.executed;
      if (exec === undefined) continue;
      latencies[stepOf(tx.sentAt)]?.push(exec - tx.sentAt);
      allLatencies.push(exec - tx.sentAt);
      executedAt.push([(exec - started) / 1000, exec - tx.sentAt]);
      if (m!.stages.batched !== undefined) stageTimes.sentToBatched.push(m!.stages.batched - tx.sentAt);
      if (m!.stages.batched !== undefined && m!.stages.proven !== undefined)
        stageTimes.batchedToProven.push(m!.stages.proven - m!.stages.batched);
      if (m!.stages.proven !== undefined) stageTimes.provenToExecuted.push(exec - m!.stages.proven);
    }
    stepResults.forEach((r, i) => Object.assign(r, { latencyMs: latencyStats(latencies[i]!) }));

    const checks = await runChecks(devnet, db, sent, byTx);
    if (!checks.ok) exitCode = 1;

    const first = samples[0]!;
    const last = samples.at(-1)!;
    const executed = last.statuses.executed ?? 0;
    const bestStep = stepResults.reduce((m, r) => (r.executedPerSecond > m.executedPerSecond ? r : m));
    const result = {
      bench: 'load',
      at: new Date().toISOString(),
      command: `npx tsx bench/load/run.ts --steps ${opts.steps} --step-seconds ${opts.stepSeconds} --warmup-seconds ${opts.warmupSeconds} --keys ${keys} --block-time ${opts.blockTime} --batch-interval ${opts.batchInterval} --epoch-interval ${opts.epochInterval}`,
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        loadavgAtStart: load0.map(round2),
        loadavgAtEnd: loadavg().map(round2),
        note: 'anvil (3 nodes), Kafka, Postgres, the hub with its prover, two chain apps, the bridge and this generator share these cores',
      },
      setup:
        'devnet at production depths (chain 20, shared 10), shapes s2/s4/l32; L2 anvils with interval mining and a 1G block gas limit; CALL messages (CallRecorder.record, gas limit 100k) both directions, half each; chain apps seal at most one batch per --batch-interval, the hub starts an epoch at most every --epoch-interval unless its backlog exceeds every shape; other settings the devnet defaults',
      goal: { messagesPerSecond: 500, sustainedSeconds: 60 },
      steps: stepResults,
      saturatedAtTargetPerSecond: saturatedAt ?? null,
      bestExecutedPerSecond: bestStep.executedPerSecond,
      drainMs,
      totals: {
        sent: sent.size,
        executed,
        failed: last.statuses.failed ?? 0,
        ledgerEntries: last.entries,
        feePerMessageWei: routes.map((r) => r.feePerMessage.toString()),
        sendErrors: routes.flatMap((r) => r.errors),
      },
      latencyAllMs: latencyStats(allLatencies),
      stagesMs: Object.fromEntries(Object.entries(stageTimes).map(([k, v]) => [k, latencyStats(v)])),
      cpuMsPerExecutedMessage: Object.fromEntries(
        Object.entries(last.cpuMs).map(([name, ms]) => [
          name,
          round2((ms - (first.cpuMs[name] ?? 0)) / Math.max(1, executed)),
        ]),
      ),
      checks,
      samples,
    };
    const out = JSON.stringify(result, null, 2);
    process.stdout.write(
      `${JSON.stringify({ ...result, samples: `${samples.length} samples in the file` }, null, 2)}\n`,
    );
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', 'load.json'), `${out}\n`);
    writeFileSync(join(ROOT, 'bench', 'results', 'load.svg'), plot(samples, executedAt, load0));
    log(
      `wrote bench/results/load.json and load.svg; checks ${checks.ok ? 'ok' : `FAILED: ${checks.failures.join('; ')}`}`,
    );
  } finally {
    await db.end().catch(() => undefined);
    await devnet.stop();
  }
  process.exitCode = exitCode;
}

/**
 * Messages waiting in each stage at a sample: broadcast but not yet scanned by the chain app (in the node's pool or
 * mined but not read), scanned but not sealed, sealed but not published, published but not stored by the bridge,
 * then the bridge's own statuses.
 */
function backlogOf(s: Sample): Record<string, number> {
  const inBridge = Object.values(s.statuses).reduce((a, n) => a + n, 0);
  return {
    notScanned: Math.max(0, s.sent - s.chain.scanned),
    notSealed: s.chain.scanned - s.chain.sealed,
    notPublished: s.chain.sealed - s.chain.published,
    notInBridge: Math.max(0, s.chain.published - inBridge),
    ...Object.fromEntries(STAGES.map((st) => [st, s.statuses[st] ?? 0])),
  };
}

/** Rates (per second) of a cumulative counter over a sliding window of `window` samples (10 s by default). */
function rateSeries(samples: Sample[], value: (s: Sample) => number, window = 5): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 1; i < samples.length; i++) {
    const [p, s] = [samples[Math.max(0, i - window)]!, samples[i]!];
    out.push([s.t, Math.max(0, (value(s) - value(p)) / Math.max(0.001, s.t - p.t))]);
  }
  return out;
}

function plot(samples: Sample[], executedAt: Array<[number, number]>, load0: number[]): string {
  // Latency of the messages executed in each 5 s window (p50 and p99), by execution time.
  const windows = new Map<number, number[]>();
  for (const [t, ms] of executedAt) {
    const w = Math.floor(t / 5) * 5;
    windows.set(w, [...(windows.get(w) ?? []), ms / 1000]);
  }
  const lat = [...windows.entries()].sort((x, y) => x[0] - y[0]);
  const p = (q: number) =>
    lat.map(
      ([t, v]) =>
        [
          t + 2.5,
          percentile(
            [...v].sort((x, y) => x - y),
            q,
          ),
        ] as [number, number],
    );
  return svgChart(
    'bench/load: the network at saturation',
    `${cpus().length} cores, load at start ${load0.map((x) => x.toFixed(1)).join(' ')}; rates over 10 s windows; command in load.json`,
    [
      {
        title: 'throughput',
        unit: 'messages / s',
        series: [
          { name: 'target', points: samples.map((s) => [s.t, s.target]), dashed: true },
          { name: 'sent', points: rateSeries(samples, (s) => s.sent) },
          { name: 'executed', points: rateSeries(samples, (s) => s.statuses.executed ?? 0) },
          { name: 'ledger entries', points: rateSeries(samples, (s) => s.entries) },
        ],
      },
      {
        title: 'backlog per stage',
        unit: 'messages',
        series: Object.keys(backlogOf(samples[0]!)).map((stage) => ({
          name: stage,
          points: samples.map((s) => [s.t, backlogOf(s)[stage] ?? 0] as [number, number]),
        })),
      },
      {
        title: 'latency, broadcast -> executed',
        unit: 'seconds',
        series: [
          { name: 'p50', points: p(50) },
          { name: 'p99', points: p(99) },
        ],
      },
    ],
    'seconds since the first step',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench load failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
