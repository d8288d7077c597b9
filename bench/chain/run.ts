/**
 * Chain app capacity on real parts (anvil L2 + L1, Kafka, Postgres), the app as its own OS process:
 *
 *   KAFKA_BROKERS=127.0.0.1:19092 npx tsx bench/chain/run.ts [messages=5000] [--label after] [--senders 50] [--bursts 3]
 *     [--block-time 1] [--poll-ms 100] [--rate <messages/s>] [--profile <dir>] [--app-node-args "<node flags>"]
 *     [--app-commit <commit>]
 *
 * Two phases, `messages` per run, sent from `senders` fresh keys (raw transactions signed in advance, nonces counted
 * locally, JSON-RPC batches of eth_sendRawTransaction; bench/chain/loadSender.ts), with the L2 block gas limit raised
 * to 2e9 so that a block is never the limit:
 * - burst (`bursts` runs, the median is reported with all runs listed): every transaction waits in anvil's pool, then
 *   one `evm_mine` puts them all in one block; the time from that block to every message and batch root on Kafka is
 *   the app's own capacity (messages/s sealed and published);
 * - live: anvil mines a block every `block-time` s while the sends go in as fast as the node takes them (or at
 *   `rate`); gives the send rate, messages/s end to end, latency from each send's acceptance to its batch root on
 *   Kafka, and from the last send to everything on Kafka.
 * Each phase also gives CPU ms per message of the chain app, anvil, the app's Postgres backends and this process (the
 * sender and the Kafka reader), the app's `chain_stage_seconds` per stage (where its time goes), and the load average.
 *
 * `--profile <dir>` runs the app with `node --cpu-prof` (the profile is written to `dir` when it stops; a profiled run
 * is slower and is not written to the results).
 *
 * `--app-commit <commit>` runs the chain app (apps/chain/src) of that commit instead of the checkout's, with everything
 * else (libs, bench) from the checkout (bench/chain/appAtCommit.ts): "before" and "after" measured back to back.
 * `--app-node-args` passes node flags to the app (e.g. `--max-semi-space-size=64`).
 *
 * Writes the result under `label` ("before" or "after") into bench/results/chain.json, keeping the other label.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';

import { ensureTopics } from '@interop/infra';
import { Client } from 'pg';
import { toHex, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { startTestChain } from '../../contracts/test/helpers/testChain';
import { ANVIL_PRIVATE_KEYS, freePort } from '../../libs/infra/src/testing/anvil';
import { requireKafkaBrokers } from '../../libs/infra/src/testing/kafkaBrokers';
import { uniqueKafkaName } from '../../libs/infra/src/testing/kafkaNames';
import { createScratchDatabase } from '../../libs/infra/src/prisma/createScratchDatabase';
import { migrate } from '../../scripts/migrate';
import { deployHub, deployStack } from '../../apps/chain/test/support/harness';
import { killChainApp, spawnChainApp, waitHealthy } from '../../apps/chain/test/support/chainProcess';
import { appAtCommit } from './appAtCommit';
import { LoadSender, rpc } from './loadSender';
import { cpuDeltaMs, cpuMsOf, processCpuMs } from './processCpu';
import { RecordCollector } from './recordCollector';

const RESULTS = join(__dirname, '..', 'results', 'chain.json');
const OPERATOR_KEY = ANVIL_PRIVATE_KEYS[1];
const DST = 902n;
const PHASE_TIMEOUT_MS = 600_000;
/** `chain_stage_seconds` stages by the part of the system they wait on (or the app's own hashing and signing). */
const STAGE_PARTS: Record<string, string[]> = {
  l2Rpc: ['watch_rpc'],
  postgres: ['watch_db', 'seal_db_read', 'seal_db_write', 'publish_db_read', 'publish_db_write'],
  hashingAndSigning: ['seal_compute', 'seal_sign'],
  kafka: ['publish_encode', 'publish_kafka'],
};

type Sample = {
  at: number;
  cpu: Record<string, Record<number, number>>;
  stages: Map<string, { sum: number; count: number }>;
};

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      label: { type: 'string', default: 'after' },
      senders: { type: 'string', default: '50' },
      bursts: { type: 'string', default: '3' },
      'block-time': { type: 'string', default: '1' },
      'poll-ms': { type: 'string', default: '100' },
      rate: { type: 'string' },
      profile: { type: 'string' },
      'app-node-args': { type: 'string' },
      'app-commit': { type: 'string' },
    },
  });
  const n = Number(positionals[0] ?? 5_000);
  const bursts = Number(values.bursts);
  const senders = Number(values.senders);
  const blockTime = Number(values['block-time']);
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  const brokers = requireKafkaBrokers();
  const loadStart = loadavg();

  const [l2, l1] = await Promise.all([startTestChain(901), startTestChain(900)]);
  const db = await createScratchDatabase('chain_bench');
  const pg = new Client({ connectionString: db.url });
  let app: ReturnType<typeof spawnChainApp> | undefined;
  let collector: RecordCollector | undefined;
  try {
    await migrate(db.url);
    await pg.connect();
    const stack = await deployStack(l2, DST);
    const hub = await deployHub(l1, { chains: [[901n, privateKeyToAccount(OPERATOR_KEY).address]] });
    const topics = { roots: uniqueKafkaName('bench.chain.roots'), messages: uniqueKafkaName('bench.chain.messages') };
    await ensureTopics(brokers, [topics.roots, topics.messages]);
    const url = l2.anvil.rpcUrl;
    const sender = await LoadSender.create({ url, chainId: 901, center: stack.center, dstChainId: DST, senders });
    const signStarted = performance.now();
    const burstSends = await sender.sign(bursts * n, DST);
    const liveSends = await sender.sign(n, DST);
    const signMs = performance.now() - signStarted;
    await rpc(url, 'evm_setBlockGasLimit', [toHex(2_000_000_000n)]);
    await rpc(url, 'evm_setAutomine', [false]);

    collector = await RecordCollector.start(brokers, topics);
    const port = await freePort();
    const appEnv = {
      CHAIN_ID: '901',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_BATCH_ROOTS: topics.roots,
      KAFKA_TOPIC_MESSAGES: topics.messages,
      L2_RPC_URL: url,
      L1_RPC_URL: l1.anvil.rpcUrl,
      L1_CHAIN_ID: '900',
      L1_HUB_ADDRESS: hub,
      INTEROP_CENTER_ADDRESS: stack.center,
      INTEROP_HANDLER_ADDRESS: stack.handler,
      OPERATOR_PRIVATE_KEY: OPERATOR_KEY,
      CONFIRMATIONS: '0',
      BATCH_MAX_MESSAGES: '65536',
      BATCH_INTERVAL_MS: '1000',
      POLL_INTERVAL_MS: values['poll-ms'],
      START_BLOCK: String(BigInt(await rpc<Hex>(url, 'eth_blockNumber')) + 1n),
      ROOT_IMPORTER_ENABLED: 'false',
    };
    const other = values['app-commit'] ? appAtCommit(values['app-commit']) : undefined;
    app = spawnChainApp(
      { ...appEnv, ...other?.env },
      [
        ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []),
        ...(values['app-node-args']?.split(' ').filter((x) => x !== '') ?? []),
      ],
      other?.main,
    );
    await waitHealthy(app, port);
    const running = app;
    const pids = async () => ({
      app: [running.child.pid!],
      anvil: [l2.anvil.process.pid!],
      postgres: (
        await pg.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        )
      ).rows.map((r) => r.pid),
      bench: [process.pid],
    });
    const sample = async (): Promise<Sample> => {
      const p = await pids();
      const cpu = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, cpuMsOf(v)]));
      return { at: performance.now(), cpu, stages: await stagesOf(port) };
    };
    const costs = (a: Sample, b: Sample, messages: number) => ({
      wallMsPerMessage: round((b.at - a.at) / messages, 3),
      // Every measured process together (Kafka's broker is shared with other work on this machine and not counted).
      cpuMsPerMessageAll: round(
        Object.keys(b.cpu).reduce((sum, k) => sum + cpuDeltaMs(a.cpu[k] ?? {}, b.cpu[k]!), 0) / messages,
        3,
      ),
      cpuMsPerMessage: Object.fromEntries(
        Object.keys(b.cpu).map((k) => [k, round(cpuDeltaMs(a.cpu[k] ?? {}, b.cpu[k]!) / messages, 3)]),
      ),
      cpuUtilisation: Object.fromEntries(
        Object.keys(b.cpu).map((k) => [k, round(cpuDeltaMs(a.cpu[k] ?? {}, b.cpu[k]!) / (b.at - a.at), 2)]),
      ),
      stageMsPerMessage: Object.fromEntries(
        [...b.stages].map(([stage, v]) => [
          stage,
          round(((v.sum - (a.stages.get(stage)?.sum ?? 0)) * 1000) / messages, 4),
        ]),
      ),
      stageCalls: Object.fromEntries(
        [...b.stages].map(([stage, v]) => [stage, v.count - (a.stages.get(stage)?.count ?? 0)]),
      ),
      // The app's time per message by what it waited on or computed (sums of chain_stage_seconds).
      appTimeMsPerMessage: Object.fromEntries(
        Object.entries(STAGE_PARTS).map(([part, stages]) => [
          part,
          round(
            (stages.reduce((sum, st) => sum + (b.stages.get(st)?.sum ?? 0) - (a.stages.get(st)?.sum ?? 0), 0) * 1000) /
              messages,
            3,
          ),
        ]),
      ),
    });
    const c = collector;
    const rootsAfter = (t: number) => c.roots.filter((r) => r.at >= t);

    // Burst (`bursts` times; the median run is the figure): the app's capacity on a block that brings `n` at once.
    const burstRuns = [];
    for (let k = 0; k < bursts; k++) {
      const sends = burstSends.slice(k * n, (k + 1) * n);
      const seenBefore = c.messages.length;
      await sender.submit(sends);
      const before = await sample();
      const mineStarted = performance.now();
      await rpc(url, 'evm_mine');
      const mined = performance.now();
      const target = (k + 1) * n;
      await c.until(
        `burst ${k + 1} on Kafka`,
        () => c.rootedMessages() >= target && c.messages.length >= target,
        PHASE_TIMEOUT_MS,
      );
      const done = Math.max(
        ...rootsAfter(mineStarted).map((r) => r.at),
        ...c.messages.slice(seenBefore).map((m) => m.at),
      );
      const after = await sample();
      const run = {
        messages: n,
        batches: rootsAfter(mineStarted).length,
        mineMs: Math.round(mined - mineStarted),
        blockToAllOnKafkaMs: Math.round(done - mined),
        messagesPerSecond: Math.round((n / (done - mined)) * 1000),
        loadavg: loadavg().map((l) => round(l, 2)),
        ...costs(before, after, n),
      };
      process.stdout.write(`burst ${JSON.stringify(run)}\n`);
      burstRuns.push(run);
    }
    const byRate = [...burstRuns].sort((a, b) => a.messagesPerSecond - b.messagesPerSecond);
    const burst = {
      ...byRate[Math.floor(byRate.length / 2)]!,
      runs: burstRuns.map((r) => ({
        messagesPerSecond: r.messagesPerSecond,
        appCpuMsPerMessage: r.cpuMsPerMessage.app,
        loadavg1: r.loadavg[0],
      })),
    };

    // Live: a block every `blockTime` s while the sends go in.
    const total = (bursts + 1) * n;
    await rpc(url, 'evm_setIntervalMining', [blockTime]);
    const acceptedAt = new Map<string, number>();
    const liveBefore = await sample();
    const sendStarted = performance.now();
    await sender.submit(liveSends, { ratePerSecond: rate }, (hashes, at) => {
      for (const h of hashes) acceptedAt.set(h.toLowerCase(), at);
    });
    const lastSend = performance.now();
    await c.until(
      'the live phase on Kafka',
      () => c.rootedMessages() >= total && c.messages.length >= total,
      PHASE_TIMEOUT_MS,
    );
    const liveAfter = await sample();
    const rootAt = new Map(c.roots.map((r) => [r.batchNumber, r.at]));
    const liveMessages = c.messages.filter((m) => acceptedAt.has(m.txHash.toLowerCase()));
    const latencies = liveMessages
      .map((m) => rootAt.get(m.batchNumber)! - acceptedAt.get(m.txHash.toLowerCase())!)
      .sort((a, b) => a - b);
    const liveDone = Math.max(...liveMessages.map((m) => rootAt.get(m.batchNumber)!));
    const liveRoots = rootsAfter(sendStarted);
    const live = {
      messages: n,
      blockTimeS: blockTime,
      targetRate: rate ?? 'max',
      sendMs: Math.round(lastSend - sendStarted),
      sendsPerSecond: Math.round((n / (lastSend - sendStarted)) * 1000),
      lastSendToAllOnKafkaMs: Math.round(liveDone - lastSend),
      firstSendToAllOnKafkaMs: Math.round(liveDone - sendStarted),
      messagesPerSecondEndToEnd: Math.round((n / (liveDone - sendStarted)) * 1000),
      sendToRootOnKafkaMs: {
        p50: Math.round(pct(latencies, 0.5)),
        p90: Math.round(pct(latencies, 0.9)),
        p99: Math.round(pct(latencies, 0.99)),
        max: Math.round(latencies[latencies.length - 1]!),
      },
      batches: liveRoots.length,
      messagesPerBatch: Math.round(n / Math.max(1, liveRoots.length)),
      loadavg: loadavg().map((l) => round(l, 2)),
      ...costs(liveBefore, liveAfter, n),
    };
    process.stdout.write(`live ${JSON.stringify(live)}\n`);

    // Correctness: each message once, roots numbered 0..k-1 once each, covering every message.
    const numbers = c.roots.map((r) => r.batchNumber).sort((a, b) => (a < b ? -1 : 1));
    const checks = {
      messageRecords: c.messages.length,
      distinctMessages: new Set(c.messages.map((m) => `${m.txHash}/${m.logIndex}`)).size,
      rootRecords: c.roots.length,
      rootsConsecutiveFromZero: numbers.every((b, i) => b === BigInt(i)),
      messagesCoveredByRoots: c.rootedMessages(),
      // The app logs at warn: a failed poll (retried) shows up here.
      appWarnings: running
        .output()
        .split('\n')
        .filter((l) => l.trim() !== '')
        .slice(-5),
    };
    const result = {
      date: new Date().toISOString(),
      commit: execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim(),
      command: `KAFKA_BROKERS=${brokers} npx tsx bench/chain/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
      machine: { cpus: cpus().length, loadavgAtStart: loadStart.map((l) => round(l, 2)) },
      setup: {
        senders,
        signMsPerTx: round(signMs / total, 3),
        appEnv: pick(appEnv, ['CONFIRMATIONS', 'BATCH_MAX_MESSAGES', 'BATCH_INTERVAL_MS', 'POLL_INTERVAL_MS']),
        appCommit: values['app-commit'] ?? null,
        appNodeArgs: values['app-node-args'] ?? '',
        l2BlockGasLimit: 2_000_000_000,
        anvilCpuMsAtEnd: processCpuMs(l2.anvil.process.pid!),
      },
      burst,
      live,
      checks,
    };
    if (values.profile) {
      // A clean stop writes the profile (SIGTERM runs the shutdown hooks, then the process exits).
      app.child.kill('SIGTERM');
      await app.exited;
      process.stdout.write(`${JSON.stringify(checks)}\nprofile in ${values.profile}\n`);
      return;
    }
    const existing = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
    const kept = 'before' in existing || 'after' in existing ? existing : { earlier: existing };
    writeFileSync(RESULTS, `${JSON.stringify({ ...kept, [values.label]: result }, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(checks)}\n`);
    if (checks.distinctMessages !== total || checks.messageRecords !== total || !checks.rootsConsecutiveFromZero) {
      throw new Error(`records on Kafka are not exactly the messages sent: ${JSON.stringify(checks)}`);
    }
  } finally {
    if (app) await killChainApp(app);
    await collector?.stop().catch(() => undefined);
    await pg.end().catch(() => undefined);
    await db.drop().catch(() => undefined);
    await Promise.all([l2.stop(), l1.stop()]);
  }
}

/** `chain_stage_seconds` sum and count per stage from the app's /metrics. */
async function stagesOf(port: number): Promise<Map<string, { sum: number; count: number }>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out = new Map<string, { sum: number; count: number }>();
  for (const m of text.matchAll(/^chain_stage_seconds_(sum|count)\{[^}]*stage="(\w+)"[^}]*\} (\S+)$/gm)) {
    const entry = out.get(m[2]!) ?? { sum: 0, count: 0 };
    entry[m[1] as 'sum' | 'count'] = Number(m[3]);
    out.set(m[2]!, entry);
  }
  return out;
}

function pct(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

function pick<T extends Record<string, string>>(o: T, keys: (keyof T)[]): Partial<T> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Partial<T>;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/chain failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
