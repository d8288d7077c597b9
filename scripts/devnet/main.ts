/**
 * The devnet's main job (run by scripts/devnet.sh, i.e. `npm run devnet`, once Kafka and Postgres are up):
 *
 *   1. starts anvil L1 900 + L2s 901 (alpha) and 902 (beta), deploys the contracts, starts hub, two chain apps,
 *      bridge and a prover worker as processes (libs/devnet), registers both chains through the hub API;
 *   2. demo: a user bridges 1,000 ALPHA from 901 to 902, calls a contract on 902, bridges 400 back, printing each
 *      message's status timeline as it happens and every epoch settled on L1 with its transaction;
 *   3. prints the final balances, the fee report with its burn/staking/treasury split, reconciliation, and where the
 *      APIs, the operator page and the logs are; writes `.devnet/env` for the `interop` CLI;
 *   4. stays in the foreground until Ctrl-C (or until an app dies), then stops everything it started.
 *
 * Env: KAFKA_BROKERS, DATABASE_URL (set by devnet.sh), DEVNET_PORTS=fixed|free (fixed: L1 8545, L2 8546/8547,
 * hub 3000, bridge 3001, chain apps 3100/3101), DEVNET_EXIT_AFTER_DEMO=1 (stop after the demo, for tests and CI),
 * DEVNET_DIR (.devnet: env file, pids, logs).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
import { shapeOfId } from '@interop/prover';
import { repoRoot } from '@interop/prover/repoRoot';
import { z } from 'zod';

/** How the demo names an epoch's shape: `s2 (1x2)`, or `3x8` for one circuits/shapes does not have. */
function shapeLabel(id: number): string {
  const size = `${Math.floor(id / 2 ** 16)}x${id % 2 ** 16}`;
  const shape = shapeOfId(id);
  return shape ? `${shape.name} (${size})` : size;
}

const env = z
  .object({
    KAFKA_BROKERS: z.string().min(1, 'KAFKA_BROKERS is required (devnet.sh starts a broker)'),
    DATABASE_URL: z.string().url('DATABASE_URL must be a postgresql:// URL'),
    DEVNET_PORTS: z.enum(['fixed', 'free']).default('fixed'),
    DEVNET_EXIT_AFTER_DEMO: z.enum(['0', '1']).default('0'),
    DEVNET_DIR: z.string().min(1).optional(),
  })
  .parse(process.env);

const ROOT = repoRoot();
const DIR = env.DEVNET_DIR ?? join(ROOT, '.devnet');
const started = Date.now();
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const say = (s: string) => process.stdout.write(`${bold('[devnet]')} ${s}\n`);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;

async function main(): Promise<void> {
  say('starting the network (anvil, contracts, hub, chain apps, bridge, prover worker)');
  const devnet = await startDevnet({
    kafkaBrokers: env.KAFKA_BROKERS,
    logDir: join(DIR, 'logs'),
    database: { url: env.DATABASE_URL },
    ...(env.DEVNET_PORTS === 'fixed'
      ? { ports: { l1: 8545, l2: [8546, 8547], hub: 3000, bridge: 3001, chainApps: [3100, 3101] } }
      : {}),
    proverMode: 'kafka',
    proverWorkers: 1,
    log: (line) => say(`${elapsed()} ${line}`),
  });
  let stopping = false;
  const shutdown = async (why: string) => {
    if (stopping) return;
    stopping = true;
    say(`${why}: stopping the apps and anvil nodes`);
    await devnet.stop();
    say('stopped');
  };
  process.once('SIGINT', () => void shutdown('Ctrl-C').then(() => process.exit(130)));
  process.once('SIGTERM', () => void shutdown('SIGTERM').then(() => process.exit(143)));
  try {
    writeFileSync(join(DIR, 'env'), devnet.envFile());
    writeFileSync(
      join(DIR, 'pids'),
      devnet
        .processes()
        .map((p) => `${p.pid} ${p.name}\n`)
        .join(''),
    );
    await demo(devnet);
    await report(devnet);
    if (env.DEVNET_EXIT_AFTER_DEMO === '1') {
      await shutdown('demo done (DEVNET_EXIT_AFTER_DEMO=1)');
      return;
    }
    say('running; Ctrl-C stops everything this run started');
    const died = await Promise.race(
      [...devnet.apps.values()].map(async (app) => {
        for (;;) {
          await new Promise((r) => setTimeout(r, 1_000));
          if (!app.running) return app;
          if (stopping) return undefined;
        }
      }),
    );
    if (died) {
      process.stderr.write(died.tail());
      await shutdown(`${died.name} exited (log: ${died.logFile})`);
      process.exitCode = 1;
    }
  } catch (e) {
    await shutdown(`failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}

async function demo(devnet: Devnet): Promise<void> {
  const [alpha, beta] = [devnet.chains[0]!, devnet.chains[1]!];
  const user = new DevnetUser(devnet, DEVNET_KEYS.users[0]);
  say(`${elapsed()} demo user ${user.address}`);
  const token = await user.createToken(alpha.chainId, 'Alpha Token', 'ALPHA', 10_000n);
  const recorder = await user.deployRecorder(beta.chainId);
  say(
    `${elapsed()} ALPHA token ${token} on ${alpha.chainId} (10,000 minted), CallRecorder ${recorder} on ${beta.chainId}`,
  );

  const epochs = watchEpochs(devnet);
  try {
    const out = await user.bridge(alpha.chainId, beta.chainId, token, 1_000n);
    say(`${elapsed()} bridge 1,000 ALPHA ${alpha.chainId} -> ${beta.chainId}: message ${out.id} (tx ${out.txHash})`);
    const call = await user.send(alpha.chainId, beta.chainId, recorder, DevnetUser.recordCall('0x5eed'));
    say(`${elapsed()} call CallRecorder.record(0x5eed) on ${beta.chainId}: message ${call.id}`);
    await Promise.all([follow(devnet, 'bridge out', out), follow(devnet, 'call', call)]);

    const bridged = await user.bridgedToken(beta.chainId, out.message.assetId);
    const back = await user.bridge(beta.chainId, alpha.chainId, bridged, 400n);
    say(`${elapsed()} bridge 400 ALPHA back ${beta.chainId} -> ${alpha.chainId}: message ${back.id}`);
    await follow(devnet, 'bridge back', back);

    say(
      `${elapsed()} balances of ${user.address}: ${await user.balanceOf(alpha.chainId, token)} ALPHA on ${alpha.chainId}, ` +
        `${await user.balanceOf(beta.chainId, bridged)} bridged ALPHA (${bridged}) on ${beta.chainId}`,
    );
  } finally {
    await epochs.stop();
  }
}

/** Prints each status of a message as the bridge API reports it, then its whole timeline. */
async function follow(devnet: Devnet, label: string, sent: SentMessage): Promise<MessageView> {
  const t0 = Date.now();
  const view = await waitForMessage(devnet.bridgeUrl, sent.id, {
    timeoutMs: 120_000,
    onChange: (v) => say(`${elapsed()}   ${label} ${sent.id.slice(0, 10)}: ${v.status} (+${Date.now() - t0} ms)`),
  });
  const first = Date.parse(view.timeline[0]?.at ?? '');
  const steps = view.timeline.map((e) => `${e.status} +${Date.parse(e.at) - first}ms`).join(' -> ');
  say(`${elapsed()}   ${label} timeline: ${steps}; destination tx ${view.dstTxHash}`);
  return view;
}

/** Prints every newly settled epoch (shared root, updates, L1 tx, gas, proving time) while the demo runs. */
function watchEpochs(devnet: Devnet): { stop: () => Promise<void> } {
  let next = 1;
  let running = true;
  const loop = (async () => {
    while (running) {
      const res = await httpJson('GET', `${devnet.hubUrl}/roots/${next}`).catch(() => undefined);
      if (res?.status === 200) {
        const r = res.body as {
          epoch: string;
          root: string;
          updates: unknown[];
          shapeId: number;
          l1TxHash: string;
          gasUsed: string;
          provingMs: number;
        };
        say(
          `${elapsed()} epoch ${r.epoch} settled on L1: root ${r.root.slice(0, 18)}..., ${r.updates.length} batch(es), ` +
            `shape ${shapeLabel(r.shapeId)}, ` +
            `tx ${r.l1TxHash}, gas ${r.gasUsed}, proved in ${r.provingMs} ms`,
        );
        next += 1;
        continue;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function report(devnet: Devnet): Promise<void> {
  const summary = await httpJson('GET', `${devnet.bridgeUrl}/accounting/summary`, undefined, devnet.adminToken);
  const s = summary.body as {
    currencies: Array<Record<string, string>>;
  };
  say('fee report (wei):');
  for (const c of s.currencies ?? []) {
    say(
      `  ${c.currency}: charged ${c.feesCharged} = relayer gas recovery ${c.gasRecovered} + net ${c.net}; net = burn ${c.burn} + staking ${c.staking} + treasury ${c.treasury}; relayer gas spent ${c.gasSpent}`,
    );
  }
  const rec = await httpJson('GET', `${devnet.bridgeUrl}/accounting/reconcile`, undefined, devnet.adminToken);
  const r = rec.body as { ok: boolean; mismatches: unknown[] };
  say(`reconciliation: ${r.ok ? 'clean' : `MISMATCHES ${JSON.stringify(r.mismatches)}`}`);
  const rows: Array<[string, string]> = [
    ['hub API (OpenAPI)', `${devnet.hubUrl}/docs`],
    ['bridge API (OpenAPI)', `${devnet.bridgeUrl}/docs`],
    ['operator page', `${devnet.bridgeUrl}/operator`],
    ...devnet.chains.map((c): [string, string] => [`chain app ${c.chainId} (${c.name})`, `${c.appUrl}/docs`]),
    ['L1 RPC (900)', devnet.l1.rpcUrl],
    ...devnet.chains.map((c): [string, string] => [`L2 RPC (${c.chainId})`, c.rpcUrl]),
    ['Kafka', `${devnet.kafkaBrokers} (topics ${devnet.topics.batchRoots.replace(/\.batch-roots$/, '.*')})`],
    ['admin token', devnet.adminToken],
    ['CLI', 'npm run interop -- --help (reads .devnet/env)'],
    ['logs', join(DIR, 'logs')],
  ];
  const w = Math.max(...rows.map((x) => x[0].length));
  process.stdout.write(`\n${rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`).join('\n')}\n\n`);
}

void main();
