/**
 * Relay benchmark of the bridge (`npx tsx bench/relay/run.ts [messages]`, needs KAFKA_BROKERS or the local broker on
 * 127.0.0.1:19092, and Postgres): prints JSON and writes bench/results/relay.json. On a real network (anvil L1 + two
 * L2s, real contracts, epochs settled with real Groth16 proofs), N CALL messages are sent on chain A, published as
 * the chain app would (batches of up to 16), settled by the hub's steps, and relayed to B by the bridge, twice: one
 * message per transaction (RELAY_BATCH_SIZE=1, executeMessage) and up to 16 per transaction (executeMessages).
 * Figures: messages relayed per second (from the first intake to the last execution), latency intake -> executed
 * (p50/p99), ledger entries per second over the same window, destination gas per executed message.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import pg from 'pg';
import { encodeFunctionData, type Hex } from 'viem';

import { fixtureAbi } from '../../contracts/test/helpers/fixtures';
import { A_ID, B_ID, BridgeNetwork, waitFor, type SentMessage } from '../../apps/bridge/test/harness';

process.env.KAFKA_BROKERS ??= '127.0.0.1:19092';
const N = Number(process.argv[2] ?? 32);
const BATCH = 16;

type Figures = {
  mode: string;
  messages: number;
  relayBatchSize: number;
  messagesPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  ledgerEntries: number;
  ledgerEntriesPerSecond: number;
  gasPerMessage: { mean: number; min: number; max: number };
  windowMs: number;
  /** Per message: from the bridge storing the settled root that includes it (or the message, if it came later) to its execution. */
  latencyFromSettledRootMs: { p50: number; p99: number };
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function phase(net: BridgeNetwork, recorder: Hex, relayBatchSize: number, db: pg.Client): Promise<Figures> {
  const bridge = await net.startBridge({ RELAY_BATCH_SIZE: relayBatchSize, RELAY_INTERVAL_MS: 100 });
  try {
    const sent: SentMessage[] = [];
    for (let i = 0; i < N; i++) {
      const payload = encodeFunctionData({
        abi: fixtureAbi('CallRecorder'),
        functionName: 'record',
        args: [`0x${i.toString(16).padStart(4, '0')}`],
      });
      sent.push(await net.sendCall(A_ID, B_ID, recorder, payload));
    }
    const updates = [];
    for (let i = 0; i < sent.length; i += BATCH) updates.push(await net.publishBatch(sent.slice(i, i + BATCH)));
    for (let i = 0; i < updates.length; i += 2) await net.settle(updates.slice(i, i + 2));
    const ids = sent.map((s) => s.id);
    await waitFor(
      `${N} messages executed`,
      async () => {
        const r = await db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM messages WHERE id = ANY($1) AND status = 'executed'`,
          [ids],
        );
        return Number(r.rows[0]!.n) === N ? true : undefined;
      },
      600_000,
    );
    const rows = await db.query<{ created: Date; processed: Date; gas: string }>(
      `SELECT created_at AS created, processed_at AS processed, gas_used::text AS gas FROM messages WHERE id = ANY($1)`,
      [ids],
    );
    const start = Math.min(...rows.rows.map((r) => r.created.getTime()));
    const end = Math.max(...rows.rows.map((r) => r.processed.getTime()));
    const latencies = rows.rows.map((r) => r.processed.getTime() - r.created.getTime()).sort((a, b) => a - b);
    const entries = await db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM journal_entries WHERE message_id = ANY($1)`,
      [ids],
    );
    const gas = rows.rows.map((r) => Number(r.gas));
    const settled = await db.query<{ ms: number }>(
      `SELECT (extract(epoch FROM m.processed_at - greatest(e.received_at, m.created_at)) * 1000)::float8 AS ms
       FROM messages m JOIN bridge_epochs e ON e.epoch = m.epoch WHERE m.id = ANY($1) ORDER BY 1`,
      [ids],
    );
    const afterSettlement = settled.rows.map((r) => Math.round(r.ms));
    const windowMs = end - start;
    return {
      mode: relayBatchSize === 1 ? 'executeMessage (1 per tx)' : `executeMessages (up to ${relayBatchSize} per tx)`,
      messages: N,
      relayBatchSize,
      messagesPerSecond: Number(((N * 1000) / windowMs).toFixed(2)),
      latencyMs: {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies[latencies.length - 1] ?? 0,
      },
      ledgerEntries: Number(entries.rows[0]!.n),
      ledgerEntriesPerSecond: Number(((Number(entries.rows[0]!.n) * 1000) / windowMs).toFixed(2)),
      gasPerMessage: {
        mean: Math.round(gas.reduce((a, b) => a + b, 0) / gas.length),
        min: Math.min(...gas),
        max: Math.max(...gas),
      },
      windowMs,
      latencyFromSettledRootMs: { p50: percentile(afterSettlement, 50), p99: percentile(afterSettlement, 99) },
    };
  } finally {
    await bridge.app.close();
  }
}

async function main(): Promise<void> {
  const net = new BridgeNetwork();
  await net.start('bench');
  const db = new pg.Client({ connectionString: net.db.url });
  try {
    await db.connect();
    const recorder = await net.deploy(net.l2(B_ID), 'CallRecorder', [net.l2(B_ID).handler]);
    const single = await phase(net, recorder, 1, db);
    const batched = await phase(net, recorder, BATCH, db);
    const result = {
      bench: 'relay',
      at: new Date().toISOString(),
      machine: 'shared 2-core VM; anvil automine, local Kafka and Postgres',
      note:
        'window = first intake of a phase to its last execution; it includes the L1 settlement (real Groth16 proof ' +
        'of the test circuit) and the root imports the harness does after publishing the records',
      phases: [single, batched],
    };
    const out = join(__dirname, '..', 'results', 'relay.json');
    mkdirSync(join(__dirname, '..', 'results'), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await db.end();
    await net.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
