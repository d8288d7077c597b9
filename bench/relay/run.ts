/**
 * Relay benchmark of the bridge (`npx tsx bench/relay/run.ts [messages] [batch size] [--label NAME]`, defaults 2000
 * messages in batches of 500, label `after`; needs KAFKA_BROKERS or the local broker on 127.0.0.1:19092, and
 * Postgres). On a real network (anvil L1 + two L2s with the real contracts at production depths, anvil automine: a
 * block per transaction) N CALL messages are sent on chain A to a recorder on B, and the stages are measured one at
 * a time so that each figure is the bridge's own capacity, not the rate it was fed:
 *
 * 1. intake: every record is published first, then an intake-only bridge (RELAYER_ENABLED=false) drains the topic;
 *    window = first record stored to the last message `batched` (every record of its batch arrived and hashed into
 *    its root);
 * 2. settlement (the test plays the hub: 2 batches per epoch of shape s4, root imports on both L2s), then the
 *    messages become `proven` (fee booked) - reported, not a bridge capacity figure (it includes L1 and Kafka);
 * 3. relay: a relayer-only bridge (INTAKE_ENABLED=false) starts with every message proven; window = the end of its
 *    boot (its first relay round) to the last execution. Figures: messages executed per second, ledger entries written per second in that window
 *    (relay_gas + fee_earned), transactions and messages per transaction, gas per message, this process's CPU
 *    (the bridges run in it; the harness's polling adds a little) per message.
 *
 * Afterwards every message is checked executed once on chain (one `MessageExecuted`) with one fee_charged, one
 * fee_earned and one relay_gas entry. The run is stored under its label in bench/results/relay.json (other labels,
 * e.g. `before`, are kept), with the machine's load average before and after. RELAY_BENCH_OUT writes another file
 * and BENCH_COMMIT names the code measured (for a run from an exported tree, e.g. the code before a change).
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';

import { interopHandlerAbi } from '@interop/contracts';
import { ensureTopics } from '@interop/infra';
import pg from 'pg';
import { encodeFunctionData, parseEventLogs, type Hex } from 'viem';

import { fixtureAbi } from '../../contracts/test/helpers/fixtures';
import { A_ID, B_ID, BridgeNetwork, REAL_PROOFS, waitFor, type BatchUpdate } from '../../apps/bridge/test/harness';

process.env.KAFKA_BROKERS ??= '127.0.0.1:19092';
const args = process.argv.slice(2);
const labelAt = args.indexOf('--label');
const LABEL = labelAt >= 0 ? args[labelAt + 1]! : 'after';
const positional = args.filter((_, i) => i !== labelAt && i !== labelAt + 1);
const N = Number(positional[0] ?? 2000);
const BATCH = Number(positional[1] ?? 500);
/** Batches per epoch (shape s4 holds 2 groups of 2; one chain's batches fill one group). */
const BATCHES_PER_EPOCH = 2;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const load = () => loadavg().map((x) => round(x));

async function count(db: pg.Client, sql: string, params: unknown[]): Promise<number> {
  const r = await db.query<{ n: string }>(sql, params);
  return Number(r.rows[0]!.n);
}

/** Stage deadlines (s): a stage that does not finish is recorded as such (`incomplete`), with what it reached. */
const DEADLINE_S = { intake: 600, proven: 120, relay: 1_800 };

function save(run: Record<string, unknown>): void {
  const out = process.env.RELAY_BENCH_OUT ?? join(__dirname, '..', 'results', 'relay.json');
  mkdirSync(dirname(out), { recursive: true });
  type Stored = { runs?: Array<{ label: string }>; ledger?: unknown; legacy?: unknown; at?: string; phases?: unknown };
  const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Stored) : {};
  // The file of the earlier bench (32 messages, intake to execution in one window) is kept as `legacy`.
  const legacy =
    previous.legacy ?? (previous.phases ? { at: previous.at, messages: 32, phases: previous.phases } : undefined);
  const result = {
    bench: 'relay',
    machine:
      'shared 2-core VM (other helpers running); anvil automine, local Kafka and Postgres; the bridges run in the bench process',
    runs: [...(previous.runs ?? []).filter((r) => r.label !== LABEL), run],
    ...(previous.ledger ? { ledger: previous.ledger } : {}),
    ...(legacy ? { legacy } : {}),
  };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
}

async function main(): Promise<void> {
  const run: Record<string, unknown> = {
    label: LABEL,
    at: new Date().toISOString(),
    // BENCH_COMMIT names the code measured when the run is from an exported tree (e.g. HEAD before a change).
    commit: process.env.BENCH_COMMIT ?? execSync('git rev-parse --short HEAD').toString().trim(),
    command: `npx tsx bench/relay/run.ts ${N} ${BATCH} --label ${LABEL}`,
    loadavg: { before: load() },
    messages: N,
    batchSize: BATCH,
    realProofs: REAL_PROOFS,
  };
  const net = new BridgeNetwork();
  await net.start('bench');
  const db = new pg.Client({ connectionString: net.db.url });
  const bridges: Array<{ app: { close(): Promise<void> } }> = [];
  const statusCount = (ids: Hex[], status: string) =>
    count(db, `SELECT count(*)::text AS n FROM messages WHERE id = ANY($1) AND status = $2`, [ids, status]);
  /** Waits until every message has `status`; false (and `run.incomplete` set) when the stage's deadline passed. */
  const stage = async (name: keyof typeof DEADLINE_S, ids: Hex[], status: string): Promise<boolean> => {
    try {
      await waitFor(
        `${ids.length} messages ${status}`,
        async () => ((await statusCount(ids, status)) === ids.length ? true : undefined),
        DEADLINE_S[name] * 1000,
      );
      process.stderr.write(`bench/relay: stage ${name} done\n`);
      return true;
    } catch {
      const r = await db.query<{ status: string; n: string }>(
        `SELECT status::text, count(*)::text AS n FROM messages WHERE id = ANY($1) GROUP BY 1`,
        [ids],
      );
      const errors = await db.query<{ error: string; n: string }>(
        `SELECT left(last_error, 160) AS error, count(*)::text AS n FROM messages
         WHERE id = ANY($1) AND last_error IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 5`,
        [ids],
      );
      run.incomplete = {
        stage: name,
        deadlineS: DEADLINE_S[name],
        statuses: Object.fromEntries(r.rows.map((x) => [x.status, Number(x.n)])),
        lastErrors: Object.fromEntries(errors.rows.map((x) => [x.error, Number(x.n)])),
      };
      return false;
    }
  };
  try {
    await db.connect();
    const recorder = await net.deploy(net.l2(B_ID), 'CallRecorder', [net.l2(B_ID).handler]);
    const payloads = Array.from({ length: N }, (_, i) =>
      encodeFunctionData({
        abi: fixtureAbi('CallRecorder'),
        functionName: 'record',
        args: [`0x${i.toString(16).padStart(6, '0')}`],
      }),
    );
    const sendStart = Date.now();
    const sent = await net.sendCalls(A_ID, B_ID, recorder, payloads);
    run.sendMs = Date.now() - sendStart;
    const ids = sent.map((s) => s.id);
    // The records are published before any bridge runs: their topics must exist first (startBridge makes them too).
    await ensureTopics(net.config.KAFKA_BROKERS, [
      { topic: net.config.TOPIC_MESSAGES },
      { topic: net.config.TOPIC_SHARED_ROOTS, numPartitions: 1 },
      { topic: net.config.TOPIC_DEAD_LETTER },
    ]);
    const updates: BatchUpdate[] = [];
    for (let i = 0; i < sent.length; i += BATCH) updates.push(await net.publishBatch(sent.slice(i, i + BATCH)));

    // 1. Intake: drain the published records.
    bridges.push(await net.startBridge({ RELAYER_ENABLED: false }));
    if (!(await stage('intake', ids, 'batched'))) return;
    const intakeWindow = await db.query<{ first: Date; last: Date }>(
      `SELECT (SELECT min(received_at) FROM bridge_intake_records) AS first,
              (SELECT max(at) FROM message_events WHERE message_id = ANY($1) AND status = 'batched') AS last`,
      [ids],
    );
    const intakeMs = intakeWindow.rows[0]!.last.getTime() - intakeWindow.rows[0]!.first.getTime();
    run.intake = { windowMs: intakeMs, messagesPerSecond: round((N * 1000) / intakeMs) };

    // 2. Settlement (the test plays the hub), then every message proven with its fee booked.
    const settleStart = Date.now();
    for (let i = 0; i < updates.length; i += BATCHES_PER_EPOCH) {
      await net.settle(updates.slice(i, i + BATCHES_PER_EPOCH));
    }
    const settledAt = Date.now();
    run.settlement = { epochs: Math.ceil(updates.length / BATCHES_PER_EPOCH), settleMs: settledAt - settleStart };
    if (!(await stage('proven', ids, 'proven'))) return;
    run.settlement = { ...(run.settlement as object), provenAfterSettledMs: Date.now() - settledAt };

    // 3. Relay: a relayer-only bridge, everything proven.
    const cpuBefore = process.cpuUsage();
    const bootStart = Date.now();
    bridges.push(await net.startBridge({ INTAKE_ENABLED: false, RELAY_INTERVAL_MS: 100 }));
    // The first relay round starts when the app has booted (onApplicationBootstrap): the window starts there.
    const relayStart = new Date();
    if (!(await stage('relay', ids, 'executed'))) return;
    const cpu = process.cpuUsage(cpuBefore);
    const rows = await db.query<{ processed: Date; gas: string; tx: string; relaying: Date }>(
      `SELECT m.processed_at AS processed, m.gas_used::text AS gas, m.dst_tx_hash AS tx,
              (SELECT max(e.at) FROM message_events e WHERE e.message_id = m.id AND e.status = 'relaying') AS relaying
       FROM messages m WHERE m.id = ANY($1)`,
      [ids],
    );
    const relayEnd = Math.max(...rows.rows.map((r) => r.processed.getTime()));
    const relayMs = relayEnd - relayStart.getTime();
    const relayEntries = await count(
      db,
      `SELECT count(*)::text AS n FROM journal_entries WHERE message_id = ANY($1) AND kind IN ('relay_gas', 'fee_earned')`,
      [ids],
    );
    const txs = new Map<string, number>();
    for (const r of rows.rows) txs.set(r.tx, (txs.get(r.tx) ?? 0) + 1);
    const perTx = [...txs.values()];
    const b = net.l2(B_ID);
    const blocks = new Set<bigint>();
    for (const hash of txs.keys()) {
      blocks.add((await b.publicClient.getTransactionReceipt({ hash: hash as Hex })).blockNumber);
    }
    const txLatency = rows.rows.map((r) => r.processed.getTime() - r.relaying.getTime()).sort((x, y) => x - y);
    const gas = rows.rows.map((r) => Number(r.gas));
    run.relay = {
      bootMs: relayStart.getTime() - bootStart,
      windowMs: relayMs,
      messagesPerSecond: round((N * 1000) / relayMs),
      ledgerEntries: relayEntries,
      ledgerEntriesPerSecond: round((relayEntries * 1000) / relayMs),
      transactions: txs.size,
      blocks: blocks.size,
      messagesPerTransaction: { mean: round(N / txs.size), max: Math.max(...perTx) },
      relayingToExecutedMs: { p50: percentile(txLatency, 50), p99: percentile(txLatency, 99) },
      gasPerMessage: {
        mean: Math.round(gas.reduce((x, y) => x + y, 0) / gas.length),
        min: Math.min(...gas),
        max: Math.max(...gas),
      },
      processCpuMsPerMessage: round((cpu.user + cpu.system) / 1000 / N, 3),
    };

    // Correctness: executed once on chain, one entry of each kind per message.
    const logs = await b.publicClient.getLogs({ address: b.handler, fromBlock: 0n });
    const executed = parseEventLogs({ abi: interopHandlerAbi, logs, eventName: 'MessageExecuted' }).map((l) =>
      l.args.messageId.toLowerCase(),
    );
    const once = new Set(executed).size === executed.length && ids.every((id) => executed.includes(id.toLowerCase()));
    const kinds = await db.query<{ kind: string; n: string }>(
      `SELECT kind, count(*)::text AS n FROM journal_entries WHERE message_id = ANY($1) GROUP BY kind`,
      [ids],
    );
    run.checks = {
      executedOnceOnChain: once,
      entriesByKind: Object.fromEntries(kinds.rows.map((r) => [r.kind, Number(r.n)])),
    };
  } finally {
    run.loadavg = { ...(run.loadavg as object), after: load() };
    save(run);
    for (const b of bridges.reverse()) await b.app.close();
    await db.end();
    await net.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
