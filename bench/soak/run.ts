/**
 * Soak benchmark: the whole network at a steady rate for a long time, every process's memory and CPU sampled
 * (`npm run bench -- soak`, or `npx tsx bench/soak/run.ts [--minutes 30] [--rate 20] [--sample-seconds 10]
 * [--settle-minutes 5]`).
 *
 * The devnet as processes, as the chaos harness runs it (libs/devnet: anvil L1 + two L2s mining a block every
 * --block-time s, the hub handing proof jobs over Kafka to two prover processes, both chain apps, the bridge, Kafka
 * (KAFKA_BROKERS or the local broker) and Postgres), CALL messages both ways at --rate messages/s (a quarter of what
 * bench/load measured the network to sustain, so the run measures leaks, not a backlog).
 *
 * Every --sample-seconds: each process's resident set (/proc/<pid>/status VmRSS) and CPU time (its process tree,
 * /proc/<pid>/stat), the hub's and the bridge's V8 heap in use (their /metrics), and the bridge's message counts.
 * After the run the backlog drains and the same exactly-once checks as bench/load run (bench/load/checks.ts).
 *
 * Reported (bench/results/soak.json, plot bench/results/soak.svg), per app: RSS at the start, at the end of the
 * settle window (--settle-minutes: caches, JIT, pools and the wasm memories of the provers fill), at the end, the
 * peak, the growth after the settle window (median of the minute after it against the median of the last minute),
 * the least-squares slope after it in MB/hour, and the mean CPU. Goal (from issue 17): no app grows more than 10%
 * after the settle window. The figures are reported, never asserted: the exit code is 1 only when a correctness
 * check fails.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

import { startDevnet, type Devnet } from '@interop/devnet';
import { Command, InvalidArgumentError } from 'commander';
import pg from 'pg';

import { runChecks } from '../load/checks';
import { svgChart, type Series } from '../load/plot';
import { cpuMsByProcess, messagesByStatus } from '../load/probe';
import { bothDirections, rpc, sendSteadily, type SentTx } from '../load/sender';

import { analyse, APP_PREFIXES, round1, type AppMemory, type Sample } from './memory';

const ROOT = join(__dirname, '..', '..');
const GOAL_GROWTH_PCT = 10;

const t0 = Date.now();
const log = (line: string) =>
  process.stderr.write(`[bench soak ${((Date.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${line}\n`);

function rssMbOf(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? round1(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** `<prefix>_nodejs_heap_size_used_bytes` from a prom-client /metrics page, in MB. */
async function heapMbOf(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(3_000) });
    const m = /^\w+_nodejs_heap_size_used_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(await res.text());
    return m ? round1(Number(m[1]) / 2 ** 20) : undefined;
  } catch {
    return undefined;
  }
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError(`not a positive number: ${v}`);
  return n;
}

function plot(samples: Sample[], memory: AppMemory[], settleMinutes: number, subtitle: string): string {
  const apps = memory.filter((m) => m.isApp).map((m) => m.name);
  const cpuSeries: Series[] = apps.map((name) => ({
    name,
    points: samples.slice(1).map((s, i) => {
      const p = samples[i]!;
      const pct = (((s.cpuMs[name] ?? 0) - (p.cpuMs[name] ?? 0)) / Math.max(1, (s.t - p.t) * 1000)) * 100;
      return [s.t / 60, Math.max(0, pct)] as [number, number];
    }),
  }));
  const rate = (value: (s: Sample) => number) =>
    samples.slice(1).map((s, i) => {
      const p = samples[Math.max(0, i - 2)]!;
      return [s.t / 60, Math.max(0, (value(s) - value(p)) / Math.max(1, s.t - p.t))] as [number, number];
    });
  return svgChart(
    'bench/soak: the network at a steady rate',
    subtitle,
    [
      {
        title: 'resident memory per app (settle window ends at the dashed line)',
        unit: 'MB',
        series: [
          ...apps.map((name) => ({
            name,
            points: samples
              .filter((s) => s.rssMb[name] !== undefined)
              .map((s) => [s.t / 60, s.rssMb[name]!] as [number, number]),
          })),
          {
            name: 'settled',
            dashed: true,
            points: [
              [settleMinutes, 0],
              [settleMinutes, Math.max(...memory.filter((m) => m.isApp).map((m) => m.peakMb))],
            ],
          },
        ],
      },
      { title: 'CPU per app (100% = one core)', unit: '%', series: cpuSeries },
      {
        title: 'messages',
        unit: 'messages / s',
        series: [
          { name: 'sent', points: rate((s) => s.sent) },
          { name: 'executed', points: rate((s) => s.statuses.executed ?? 0) },
        ],
      },
    ],
    'minutes since the steady traffic started',
  );
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--minutes <n>', 'steady traffic', positiveNumber, 30)
    .option('--rate <n>', 'messages per second over both directions', positiveNumber, 20)
    .option('--sample-seconds <n>', 'sampling interval', positiveNumber, 10)
    .option('--settle-minutes <n>', 'growth is measured from the end of this window', positiveNumber, 5)
    .option('--keys <n>', 'sender keys per L2', positiveNumber, 8)
    .option('--block-time <s>', 'L2 block time (interval mining)', positiveNumber, 1)
    .option('--drain-seconds <n>', 'longest wait for the backlog after the traffic', positiveNumber, 600)
    .option('--out <name>', 'result name in bench/results (<name>.json, <name>.svg)', 'soak')
    .parse()
    .opts<{
      minutes: number;
      rate: number;
      sampleSeconds: number;
      settleMinutes: number;
      keys: number;
      blockTime: number;
      drainSeconds: number;
      out: string;
    }>();
  if (opts.settleMinutes + 2 > opts.minutes)
    throw new InvalidArgumentError('--minutes must exceed --settle-minutes by at least 2 (two 1-minute windows)');
  const load0 = loadavg();
  const logDir = join(ROOT, '.cache', 'bench', `soak-${Date.now()}`);
  const devnet: Devnet = await startDevnet({
    kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:19092',
    logDir,
    log,
    proverMode: 'kafka',
    proverWorkers: 2,
    l2GasLimit: 1_000_000_000n,
  });
  log(`devnet up; logs in ${logDir}`);
  // Ctrl-C (or the bench script's SIGTERM) must not leave the devnet's processes behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${signal}: stopping the devnet`);
      void devnet.stop().finally(() => process.exit(130));
    });
  const db = new pg.Client({ connectionString: devnet.databaseUrl });
  await db.connect();
  let exitCode = 0;
  try {
    const routes = await bothDirections(devnet, opts.keys, 'bench-soak');
    for (const c of devnet.chains) await rpc(c.rpcUrl, 'evm_setIntervalMining', [opts.blockTime]);

    const sent = new Map<string, SentTx>();
    const samples: Sample[] = [];
    const started = Date.now();
    const processes = () => [...devnet.processes(), { name: 'load-generator', pid: process.pid }];
    const sample = async () => {
      const procs = processes();
      const [statuses, hubHeap, bridgeHeap] = await Promise.all([
        messagesByStatus(db),
        heapMbOf(devnet.hubUrl),
        heapMbOf(devnet.bridgeUrl),
      ]);
      const rssMb: Record<string, number> = {};
      for (const p of procs) {
        const mb = rssMbOf(p.pid);
        if (mb !== undefined) rssMb[p.name] = mb;
      }
      samples.push({
        t: (Date.now() - started) / 1000,
        rssMb,
        cpuMs: cpuMsByProcess(procs),
        heapMb: {
          ...(hubHeap !== undefined ? { hub: hubHeap } : {}),
          ...(bridgeHeap !== undefined ? { bridge: bridgeHeap } : {}),
        },
        pids: Object.fromEntries(procs.map((p) => [p.name, p.pid])),
        sent: sent.size,
        statuses,
      });
    };
    await sample();
    let sampling = true;
    const sampler = (async () => {
      let next = started + opts.sampleSeconds * 1000;
      while (sampling) {
        await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
        next += opts.sampleSeconds * 1000;
        await sample().catch((e: unknown) => log(`sample failed: ${(e as Error).message}`));
        const s = samples.at(-1)!;
        if (samples.length % 6 === 0)
          log(
            `${(s.t / 60).toFixed(1)} min: sent ${s.sent}, executed ${s.statuses.executed ?? 0}; RSS MB ` +
              Object.entries(s.rssMb)
                .filter(([n]) => APP_PREFIXES.some((p) => n.startsWith(p)))
                .map(([n, mb]) => `${n} ${mb}`)
                .join(', '),
          );
      }
    })();

    log(`${opts.rate} messages/s for ${opts.minutes} min, sampled every ${opts.sampleSeconds} s`);
    await sendSteadily(routes, opts.rate, opts.minutes * 60_000, sent);
    const trafficS = (Date.now() - started) / 1000;
    sampling = false;
    await sampler;

    // The samples and the memory figures first: a drain or check that fails below must not lose the run.
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(logDir, 'samples.json'), JSON.stringify(samples));
    const memory = analyse(samples, opts.settleMinutes * 60, GOAL_GROWTH_PCT);
    writeFileSync(join(logDir, 'memory.json'), JSON.stringify(memory, null, 2));
    log(`samples and memory figures in ${logDir}; draining`);
    const drainStart = Date.now();
    for (;;) {
      const statuses = await messagesByStatus(db);
      const done = (statuses.executed ?? 0) + (statuses.failed ?? 0);
      if (done >= sent.size) break;
      if (Date.now() - drainStart > opts.drainSeconds * 1000) {
        log(`drain deadline: ${done}/${sent.size} done`);
        break;
      }
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const drainMs = Date.now() - drainStart;
    const byTx = new Map<string, { status: string; stages: Record<string, number> }>();
    const rows = await db.query<{ tx: string; status: string }>(
      'SELECT lower(src_tx_hash) AS tx, status::text AS status FROM messages',
    );
    for (const r of rows.rows) byTx.set(r.tx, { status: r.status, stages: {} });
    const checks = await runChecks(devnet, db, sent, byTx).catch((e: unknown) => ({
      ok: false as const,
      failures: [`the checks could not run: ${(e as Error).message}`],
      executedInBridge: null,
    }));
    if (!checks.ok) exitCode = 1;

    const apps = memory.filter((m) => m.isApp);
    const grown = apps.filter((m) => !m.withinGoal);
    const result = {
      bench: 'soak',
      at: new Date().toISOString(),
      command: `npx tsx bench/soak/run.ts --minutes ${opts.minutes} --rate ${opts.rate} --sample-seconds ${opts.sampleSeconds} --settle-minutes ${opts.settleMinutes} --keys ${opts.keys} --block-time ${opts.blockTime}`,
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        memoryGb: Math.round(totalmem() / 2 ** 30),
        loadavgAtStart: load0.map((x) => Number(x.toFixed(2))),
        loadavgAtEnd: loadavg().map((x) => Number(x.toFixed(2))),
        note: 'anvil (3 nodes), Kafka, Postgres, the hub, two prover processes, two chain apps, the bridge and this generator share these cores',
      },
      setup:
        'devnet at production depths, apps run with tsx (the devnet default), prover over Kafka with 2 workers, CALL messages (CallRecorder.record, gas limit 100k) both directions, L2 interval mining',
      goal: { maxGrowthAfterSettlePct: GOAL_GROWTH_PCT, settleMinutes: opts.settleMinutes },
      goalMet: grown.length === 0,
      trafficSeconds: Math.round(trafficS),
      drainMs,
      totals: {
        sent: sent.size,
        executed: checks.executedInBridge,
        sendErrors: routes.reduce((s, r) => s + r.errorCount, 0),
      },
      memory,
      checks,
      samples,
    };
    writeFileSync(join(ROOT, 'bench', 'results', `${opts.out}.json`), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(
      join(ROOT, 'bench', 'results', `${opts.out}.svg`),
      plot(
        samples,
        memory,
        opts.settleMinutes,
        `${cpus().length} cores, load at start ${load0.map((x) => x.toFixed(1)).join(' ')}; ${opts.rate} messages/s for ${opts.minutes} min; growth goal ${GOAL_GROWTH_PCT}% after minute ${opts.settleMinutes}`,
      ),
    );
    process.stdout.write(
      `${JSON.stringify({ ...result, samples: `${samples.length} samples in the file` }, null, 2)}\n`,
    );
    log(
      `wrote bench/results/${opts.out}.json and .svg; memory goal ${grown.length === 0 ? 'met' : `missed by ${grown.map((m) => `${m.name} +${m.growthAfterSettlePct}%`).join(', ')}`}; checks ${checks.ok ? 'ok' : `FAILED: ${checks.failures.join('; ')}`}`,
    );
  } finally {
    await db.end().catch(() => undefined);
    await devnet.stop();
  }
  process.exitCode = exitCode;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench soak failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
