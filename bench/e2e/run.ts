/**
 * End-to-end benchmark on the devnet at production depths (`npm run bench -- e2e`, or
 * `npx tsx bench/e2e/run.ts [--rates 2,6] [--seconds 30]`, or the long run `npx tsx bench/e2e/run.ts --long`):
 * the whole network as processes (libs/devnet: anvil L1 + two L2s, hub proving every epoch with real Groth16 proofs
 * of the shape it picks by backlog — s2, s4 or l32, chain depth 20, shared depth 10 —, both chain apps, the bridge),
 * users sending cross-chain calls and token transfers in both directions at a steady rate. One devnet, one phase per
 * rate, run one after the other (each phase waits until its messages executed, so phases do not overlap). Prints
 * JSON and writes bench/results/e2e.json (bench/results/e2e-long.json for --long):
 *
 *   - latency from the send transaction's receipt on the source chain to the bridge recording the execution on the
 *     destination (p50/p99/max), and the time spent in each stage (sent -> batched -> proven -> executed);
 *   - the epochs settled during the phase, per shape (count, batch roots, proving time, gas per batch root);
 *   - messages relayed per second, destination gas per executed message.
 *
 * --long: sends at 6/s until at least 2,000 messages went out and each chain sealed at least 200 batches, waits
 * for every one, then checks on both L2s that every message is EXECUTED in its InteropHandler and has exactly one
 * MessageExecuted event, and that the hub never logged a chain tree as full. Exits 1 when a check fails.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

import { interopHandlerAbi } from '@interop/contracts';
import {
  DEVNET_KEYS,
  DevnetUser,
  httpJson,
  startDevnet,
  waitForMessage,
  type Devnet,
  type MessageView,
  type SentMessage,
} from '@interop/devnet';
import { loadShapes, shapeOfId } from '@interop/prover';
import { Command } from 'commander';
import { createPublicClient, http, type Hex } from 'viem';

const ROOT = join(__dirname, '..', '..');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? 0 };
}

const log = (line: string) => process.stderr.write(`[bench e2e ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

type Sent = { m: SentMessage; sentAt: number; kind: string };
type Kind = { name: string; user: number; send: () => Promise<SentMessage> };

/** One settled epoch as GET /roots/:epoch returns it (the fields this bench reads). */
type RootView = {
  epoch: string;
  shapeId: number;
  updates: unknown[];
  gasUsed: string | null;
  provingMs: number | null;
  settledAt: string | null;
};

async function main(): Promise<void> {
  const opts = new Command()
    .option('--rates <list>', 'messages per second of each phase, comma-separated', '2,6')
    .option('--seconds <n>', 'send window of each phase', '30')
    .option('--long', 'the long run: 6/s until >= 2,000 messages and >= 200 batches per chain, checked on chain')
    .option('--min-messages <n>', 'long run: messages at least', '2000')
    .option('--min-batches <n>', 'long run: batches per chain at least', '200')
    .parse()
    .opts<{ rates: string; seconds: string; long?: boolean; minMessages: string; minBatches: string }>();
  const long = opts.long === true;
  const rates = long ? [6] : opts.rates.split(',').map(Number);
  if (rates.some((r) => !(r > 0))) throw new Error(`--rates: expected positive numbers, got ${opts.rates}`);
  const seconds = Number(opts.seconds);
  const logDir = join(ROOT, '.cache', 'bench', `e2e-${Date.now()}`);
  const load0 = loadavg()[0]!;

  const t0 = Date.now();
  const devnet = await startDevnet({ kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:19092', logDir, log });
  log(`devnet up in ${Date.now() - t0} ms`);
  try {
    const [a, b] = [devnet.chains[0]!, devnet.chains[1]!];
    const users = DEVNET_KEYS.users.map((k) => new DevnetUser(devnet, k));
    const tokenA = await users[0]!.createToken(a.chainId, 'Alpha Token', 'ALPHA', 10n ** 24n);
    const recorderA = await users[1]!.deployRecorder(a.chainId);
    const recorderB = await users[2]!.deployRecorder(b.chainId);
    // Both directions, three kinds in turn, one user (one nonce stream) each.
    const kinds: Kind[] = [
      { name: 'token A->B', user: 0, send: () => users[0]!.bridge(a.chainId, b.chainId, tokenA, 1_000n) },
      {
        name: 'call B->A',
        user: 1,
        send: () => users[1]!.send(b.chainId, a.chainId, recorderA, DevnetUser.recordCall('0x01')),
      },
      {
        name: 'call A->B',
        user: 2,
        send: () => users[2]!.send(a.chainId, b.chainId, recorderB, DevnetUser.recordCall('0x02')),
      },
    ];

    const phases = [];
    const all: Sent[] = [];
    for (const rate of rates) {
      const stop = long
        ? async (n: number) => n >= Number(opts.minMessages) && (await minBatches(devnet)) >= Number(opts.minBatches)
        : (_n: number, elapsedMs: number) => Promise.resolve(elapsedMs >= seconds * 1000);
      const phase = await runPhase(devnet, kinds, rate, stop);
      all.push(...phase.sent);
      phases.push(phase.result);
    }

    const result: Record<string, unknown> = {
      bench: long ? 'e2e-long' : 'e2e',
      at: new Date().toISOString(),
      command: long
        ? 'npx tsx bench/e2e/run.ts --long'
        : `npx tsx bench/e2e/run.ts --rates ${rates.join(',')} --seconds ${seconds}`,
      machine: { cpus: cpus().length, loadavg1mAtStart: round2(load0), loadavg1mAtEnd: round2(loadavg()[0]!) },
      setup:
        'devnet at production depths (chain 20, shared 10) with shapes s2/s4/l32 registered on L1; anvil automine L1 + 2 L2s; hub (in-process prover, 1 worker, EPOCH_MIN_INTERVAL_MS 0, EPOCH_PIPELINE_DEPTH 2); chain apps (BATCH_INTERVAL_MS 1000, CONFIRMATIONS 0); bridge (RELAY_INTERVAL_MS 250); all as tsx processes',
      goals: { p50Ms: 4_000, p99Ms: 8_000, atRatePerSecond: 6 },
      phases,
    };
    let ok = true;
    if (long) {
      const checks = await checkOnChain(devnet, all, logDir);
      result.longRun = checks;
      ok = checks.ok;
    }
    const out = JSON.stringify(result, null, 2);
    process.stdout.write(`${out}\n`);
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', long ? 'e2e-long.json' : 'e2e.json'), `${out}\n`);
    if (!ok) process.exitCode = 1;
  } finally {
    await devnet.stop();
  }
}

function round2(x: number): number {
  return Number(x.toFixed(2));
}

/** The fewest batches any chain has had ingested by the hub (GET /batches/latest). */
async function minBatches(devnet: Devnet): Promise<number> {
  const res = await httpJson('GET', `${devnet.hubUrl}/batches/latest`);
  const rows = res.status === 200 ? (res.body as Array<{ batchesTotal: number }>) : [];
  if (rows.length < devnet.chains.length) return 0;
  return Math.min(...rows.map((r) => r.batchesTotal));
}

/**
 * Sends at `rate`/s (kinds in turn; a user's next send starts once its previous one is mined) until `stop` says so,
 * then waits for every message to execute and measures the phase.
 */
async function runPhase(
  devnet: Devnet,
  kinds: Kind[],
  rate: number,
  stop: (sent: number, elapsedMs: number) => Promise<boolean>,
) {
  const epochBefore = await latestEpoch(devnet);
  const sent: Sent[] = [];
  const started = Date.now();
  const lastOfUser = new Map<number, Promise<void>>();
  let lastCheck = 0;
  let lastProgress = started;
  for (let i = 0; ; i++) {
    const elapsed = Date.now() - started;
    // The stop rule may ask the hub; once a second is enough.
    if (elapsed - lastCheck >= 1000 || i === 0) {
      lastCheck = elapsed;
      if (await stop(i, elapsed)) break;
    }
    const due = started + (i * 1000) / rate;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    const kind = kinds[i % kinds.length]!;
    const prev = lastOfUser.get(kind.user) ?? Promise.resolve();
    lastOfUser.set(
      kind.user,
      prev.then(async () => {
        const m = await kind.send();
        sent.push({ m, sentAt: Date.now(), kind: kind.name });
      }),
    );
    if (Date.now() - lastProgress >= 10_000) {
      lastProgress = Date.now();
      log(`${rate}/s: ${sent.length} sent in ${Math.round((Date.now() - started) / 1000)} s`);
    }
  }
  await Promise.all(lastOfUser.values());
  const sendWindowMs = Date.now() - started;
  log(`${rate}/s: ${sent.length} messages sent in ${sendWindowMs} ms; waiting for execution`);

  const views: Array<Sent & { view: MessageView }> = [];
  for (const s of sent) {
    views.push({ ...s, view: await waitForMessage(devnet.bridgeUrl, s.m.id, { timeoutMs: 600_000 }) });
    if (views.length % 500 === 0) log(`${rate}/s: ${views.length}/${sent.length} executed`);
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

  const epochAfter = await latestEpoch(devnet);
  const result = {
    sendRatePerSecond: rate,
    messages: views.length,
    byKind: Object.fromEntries(kinds.map((k) => [k.name, views.filter((v) => v.kind === k.name).length])),
    sendWindowMs,
    achievedSendRatePerSecond: round2(views.length / (sendWindowMs / 1000)),
    latencyMs: stats(latency),
    stagesMs: {
      sentToBatched: stats(views.map(({ view }) => at(view, 'batched') - at(view, 'sent'))),
      batchedToProven: stats(views.map(({ view }) => at(view, 'proven') - at(view, 'batched'))),
      provenToExecuted: stats(views.map(({ view }) => at(view, 'executed') - at(view, 'proven'))),
    },
    goalMet: { p50: percentile(sorted(latency), 50) <= 4_000, p99: percentile(sorted(latency), 99) <= 8_000 },
    messagesRelayedPerSecond: round2((views.length - 1) / (windowMs / 1000)),
    relayTransactions: byTx.size,
    gasPerExecutedMessage: {
      mean: Math.round(gasPerMessage.reduce((s, g) => s + g, 0) / Math.max(1, gasPerMessage.length)),
      min: Math.round(Math.min(...gasPerMessage)),
      max: Math.round(Math.max(...gasPerMessage)),
    },
    epochs: await epochsBetween(devnet, epochBefore, epochAfter),
  };
  log(`${rate}/s: p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms over ${views.length} messages`);
  return { sent, result };
}

function sorted(xs: number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

async function latestEpoch(devnet: Devnet): Promise<number> {
  const res = await httpJson('GET', `${devnet.hubUrl}/roots/latest`);
  return res.status === 200 ? Number((res.body as { epoch: string }).epoch) : 0;
}

/** The epochs settled in (from, to], per shape: count, batch roots, proving time, L1 gas per batch root. */
async function epochsBetween(devnet: Devnet, from: number, to: number) {
  const shapes = loadShapes();
  const per = new Map<string, { epochs: number; batchRoots: number; provingMs: number[]; gas: bigint }>();
  for (let e = from + 1; e <= to; e++) {
    const v = (await httpJson('GET', `${devnet.hubUrl}/roots/${e}`)).body as RootView;
    const name = shapeOfId(v.shapeId, shapes)?.name ?? String(v.shapeId);
    const p = per.get(name) ?? { epochs: 0, batchRoots: 0, provingMs: [], gas: 0n };
    p.epochs++;
    p.batchRoots += v.updates.length;
    if (v.provingMs !== null) p.provingMs.push(v.provingMs);
    p.gas += BigInt(v.gasUsed ?? '0');
    per.set(name, p);
  }
  return {
    settled: to - from,
    byShape: Object.fromEntries(
      [...per].map(([name, p]) => [
        name,
        {
          epochs: p.epochs,
          batchRoots: p.batchRoots,
          batchRootsPerEpoch: round2(p.batchRoots / p.epochs),
          provingMs: stats(p.provingMs),
          gasPerBatchRoot: Number(p.gas / BigInt(Math.max(1, p.batchRoots))),
        },
      ]),
    ),
  };
}

/**
 * The long run's checks, on chain: each message EXECUTED in its destination InteropHandler with exactly one
 * MessageExecuted event there, the batches per chain, and no "does not fit its chain tree" warning in the hub log.
 */
async function checkOnChain(devnet: Devnet, sent: Sent[], logDir: string) {
  const failures: string[] = [];
  const executedEvents = new Map<string, number>();
  const statusWrong: string[] = [];
  for (const chain of devnet.chains) {
    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    const handler = chain.handler;
    const logs = await client.getContractEvents({
      address: handler,
      abi: interopHandlerAbi,
      eventName: 'MessageExecuted',
      fromBlock: 0n,
    });
    for (const l of logs) {
      const id = l.args.messageId!;
      executedEvents.set(id, (executedEvents.get(id) ?? 0) + 1);
    }
    for (const s of sent.filter((x) => x.m.message.dstChainId === chain.chainId)) {
      const status = await client.readContract({
        address: handler,
        abi: interopHandlerAbi,
        functionName: 'messageStatus',
        args: [s.m.id],
      });
      if (status !== 1) statusWrong.push(`${s.m.id}: status ${status}`);
    }
  }
  const counts = sent.map((s) => executedEvents.get(s.m.id) ?? 0);
  const never = counts.filter((c) => c === 0).length;
  const twice = counts.filter((c) => c > 1).length;
  if (never > 0) failures.push(`${never} messages have no MessageExecuted event`);
  if (twice > 0) failures.push(`${twice} messages were executed more than once`);
  if (statusWrong.length > 0)
    failures.push(`${statusWrong.length} messages are not EXECUTED on chain: ${statusWrong[0]}`);
  const batches = (await httpJson('GET', `${devnet.hubUrl}/batches/latest`)).body as Array<{
    chainId: string;
    batchesTotal: number;
  }>;
  const hubLog = readFileSync(join(logDir, 'hub.log'), 'utf8');
  const capacityWarnings = hubLog.split('\n').filter((l) => l.includes('does not fit its chain tree')).length;
  if (capacityWarnings > 0) failures.push(`the hub logged ${capacityWarnings} capacity warning(s)`);
  return {
    messages: sent.length,
    executedOnceOnChain: counts.filter((c) => c === 1).length,
    neverExecuted: never,
    executedTwice: twice,
    batchesPerChain: Object.fromEntries(batches.map((c) => [c.chainId, c.batchesTotal])),
    capacityWarnings,
    ok: failures.length === 0,
    failures,
  };
}

main().catch((e: unknown) => {
  process.stderr.write(`bench e2e failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
