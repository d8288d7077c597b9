/**
 * End-to-end benchmark on the devnet (`npm run bench -- e2e`, or `npx tsx bench/e2e/run.ts [messages] [rate/s]`):
 * the whole network as processes (libs/devnet: anvil L1 + two L2s, hub with real Groth16 proofs of the test circuit,
 * both chain apps, the bridge), users sending cross-chain calls and token transfers in both directions at a steady
 * rate. Prints JSON and writes bench/results/e2e.json:
 *
 *   - latency from the send transaction's receipt on the source chain to the bridge recording the execution on the
 *     destination (p50/p99/max), and the time spent in each stage (sent -> batched -> proven -> executed);
 *   - messages relayed per second (first to last execution), ledger entries per second over the same window;
 *   - destination gas per executed message (relay transaction gas / messages it carried).
 *
 * The test circuit's chain trees hold 8 batches per chain: the run stays within that (both directions, batches of
 * one second), so keep `messages / rate` under about 7 s per direction.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

import {
  DEVNET_KEYS,
  DevnetUser,
  httpJson,
  startDevnet,
  waitForMessage,
  type MessageView,
  type SentMessage,
} from '@interop/devnet';
import { createPublicClient, http, type Hex } from 'viem';

const N = Number(process.argv[2] ?? 40);
const RATE = Number(process.argv[3] ?? 6);
const ROOT = join(__dirname, '..', '..');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(s, 50),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? 0,
  };
}

async function main(): Promise<void> {
  const devnet = await startDevnet({
    kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:19092',
    logDir: join(ROOT, '.cache', 'bench', `e2e-${Date.now()}`),
    log: (line) => process.stderr.write(`[bench e2e] ${line}\n`),
  });
  try {
    const [a, b] = [devnet.chains[0]!, devnet.chains[1]!];
    const users = [new DevnetUser(devnet, DEVNET_KEYS.users[0]), new DevnetUser(devnet, DEVNET_KEYS.users[1])];
    const tokenA = await users[0]!.createToken(a.chainId, 'Alpha Token', 'ALPHA', 10n ** 24n);
    const recorderA = await users[1]!.deployRecorder(a.chainId);

    // Sends at RATE/s: alternately a token transfer A -> B (user 0) and a call B -> A (user 1), each user waiting
    // for its own receipt (one nonce stream per user and chain).
    const sent: Array<{ m: SentMessage; sentAt: number; kind: string }> = [];
    const started = Date.now();
    const jobs: Array<Promise<void>> = [];
    for (let i = 0; i < N; i++) {
      const due = started + (i * 1000) / RATE;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      const send =
        i % 2 === 0
          ? users[0]!.bridge(a.chainId, b.chainId, tokenA, 1_000n).then((m) => ({ m, kind: 'token A->B' }))
          : users[1]!.send(b.chainId, a.chainId, recorderA, DevnetUser.recordCall('0x01')).then((m) => ({
              m,
              kind: 'call B->A',
            }));
      jobs.push(send.then(({ m, kind }) => void sent.push({ m, sentAt: Date.now(), kind })));
      // Keep per-user order: the next send of a user starts after its previous one is mined (automine: ms).
      if (i % 2 === 1) await Promise.all(jobs.splice(0));
    }
    await Promise.all(jobs);
    const sendWindowMs = Date.now() - started;
    process.stderr.write(`[bench e2e] ${sent.length} messages sent in ${sendWindowMs} ms; waiting for execution\n`);

    const views: Array<{ view: MessageView; m: SentMessage; sentAt: number; kind: string }> = [];
    for (const s of sent) {
      views.push({ view: await waitForMessage(devnet.bridgeUrl, s.m.id, { timeoutMs: 180_000 }), ...s });
    }
    const at = (v: MessageView, status: string) => Date.parse(v.timeline.find((e) => e.status === status)?.at ?? '');
    const latency = views.map(({ view, sentAt }) => at(view, 'executed') - sentAt);
    const executedTimes = views.map(({ view }) => at(view, 'executed')).sort((x, y) => x - y);
    const windowMs = Math.max(1, executedTimes[executedTimes.length - 1]! - executedTimes[0]!);

    // Gas per executed message: each relay transaction's gas over the messages it carried.
    const byTx = new Map<string, { chainId: bigint; count: number }>();
    for (const { view, m } of views) {
      const key = view.dstTxHash!;
      byTx.set(key, { chainId: m.message.dstChainId, count: (byTx.get(key)?.count ?? 0) + 1 });
    }
    const gasPerMessage: number[] = [];
    for (const [hash, { chainId, count }] of byTx) {
      const client = createPublicClient({ transport: http(devnet.chain(chainId).rpcUrl) });
      const receipt = await client.getTransactionReceipt({ hash: hash as Hex });
      for (let i = 0; i < count; i++) gasPerMessage.push(Number(receipt.gasUsed) / count);
    }
    const entries = await countEntries(devnet.bridgeUrl, devnet.adminToken);
    const epochs = (await httpJson('GET', `${devnet.hubUrl}/roots/latest`)).body as { epoch: string };

    const result = {
      bench: 'e2e',
      at: new Date().toISOString(),
      command: `npx tsx bench/e2e/run.ts ${N} ${RATE}`,
      machine: { cpus: cpus().length, loadavg1mAtEnd: Number(loadavg()[0]!.toFixed(2)) },
      setup:
        'devnet: anvil automine L1 + 2 L2s, hub (EPOCH_INTERVAL_MS 2000, in-process prover, test circuit), chain apps (BATCH_INTERVAL_MS 1000, CONFIRMATIONS 0), bridge (RELAY_INTERVAL_MS 250), all as tsx processes',
      messages: views.length,
      sendRatePerSecond: RATE,
      sendWindowMs,
      latencyMs: stats(latency),
      stagesMs: {
        sentToBatched: stats(views.map(({ view }) => at(view, 'batched') - at(view, 'sent'))),
        batchedToProven: stats(views.map(({ view }) => at(view, 'proven') - at(view, 'batched'))),
        provenToExecuted: stats(views.map(({ view }) => at(view, 'executed') - at(view, 'proven'))),
      },
      messagesRelayedPerSecond: Number(((views.length - 1) / (windowMs / 1000)).toFixed(2)),
      relayTransactions: byTx.size,
      ledgerEntries: entries,
      ledgerEntriesPerSecond: Number((entries / (windowMs / 1000)).toFixed(2)),
      gasPerExecutedMessage: {
        mean: Math.round(gasPerMessage.reduce((s, g) => s + g, 0) / Math.max(1, gasPerMessage.length)),
        min: Math.round(Math.min(...gasPerMessage)),
        max: Math.round(Math.max(...gasPerMessage)),
      },
      epochsSettled: Number(epochs.epoch),
      goals: { p50Ms: 5_000, p99Ms: 15_000 },
    };
    const out = JSON.stringify(result, null, 2);
    process.stdout.write(`${out}\n`);
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', 'e2e.json'), `${out}\n`);
  } finally {
    await devnet.stop();
  }
}

async function countEntries(bridgeUrl: string, token: string): Promise<number> {
  let total = 0;
  let cursor: string | null = null;
  do {
    const res = await httpJson(
      'GET',
      `${bridgeUrl}/accounting/entries?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      undefined,
      token,
    );
    const body = res.body as { items: unknown[]; nextCursor: string | null };
    total += body.items.length;
    cursor = body.nextCursor;
  } while (cursor);
  return total;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench e2e failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
