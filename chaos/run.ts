import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import {
  batchLeaf,
  batchRootRecordToJson,
  fieldToBytes32,
  IncrementalPoseidonTree,
  interopHubDomain,
  PRODUCTION_DEPTHS,
  signBatchRoot,
} from '@interop/protocol';
import { ANVIL_PRIVATE_KEYS } from '@interop/infra/testing/anvil';
import { DEVNET_KEYS, DevnetUser, httpJson, pollUntil, startDevnet, writeAndWait, type Devnet } from '@interop/devnet';
import { bridgedTokenAbi } from '@interop/contracts';
import { repoRoot } from '@interop/prover/repoRoot';
import { maxUint256, keccak256, toHex, type Hex } from 'viem';

import {
  forgeProofs,
  fuzzHttp,
  securityChecks,
  type ForgeryResult,
  type HttpFuzzResult,
  type SecurityResult,
} from './attacks';
import { runChecks, waitAllExecuted, type ChecksResult, type Expectation } from './checks';
import { FaultInjector, reorgBeforeConfirmation, type FaultEvent, type ReorgResult } from './faults';
import { fuzzKafka, type KafkaFuzzResult } from './fuzzKafka';
import { ClusterKafka, DedicatedKafka, DedicatedPostgres, type RestartableKafka } from './infra';
import { TopicCollector, TrackingProducer } from './kafka';
import { RssSampler, type RssStats } from './memory';
import { Rng } from './rng';
import { diffState, waitQuiet } from './state';
import { BlockMiner, Traffic } from './traffic';

export type ChaosOptions = {
  seed: number;
  /** Fault-free sustained traffic first (memory measured over it). */
  loadMs: number;
  /** Traffic with the faults. */
  faultMs: number;
  kills: number;
  /** Messages per second over all senders. */
  rate: number;
  fuzzPerTopic: number;
  httpPerEndpoint: number;
  forgeries: number;
  /** The chain apps' BATCH_INTERVAL_MS (default 5 s: a chain tree holds 2^20 batches, the interval only sets the pace). */
  batchIntervalMs?: number;
  /** Own Kafka broker and Postgres cluster (needed for their restarts); false = the shared ones, no restarts. */
  dedicatedInfra: boolean;
  /** How long the broker stays down in its restart (default 1 to 4 s, drawn): apps must ride it out, not exit. */
  kafkaDownMs?: number;
  /**
   * Dedicated Kafka as an N-node KRaft cluster (replication factor 3, min.insync.replicas 2, acks=all): N rolling
   * node restarts in the fault window, the active controller first, one at a time (default 1: a single broker
   * restarted once).
   */
  kafkaNodes?: number;
  /** How long the database stays down in its restart (default 1 to 4 s, drawn). */
  postgresDownMs?: number;
  kafkaBrokers?: string;
  logDir: string;
  log: (line: string) => void;
};

export type ChaosSummary = {
  ok: boolean;
  seed: number;
  options: Omit<ChaosOptions, 'log' | 'kafkaBrokers'> & { batchIntervalMs: number };
  startedAt: string;
  durationMs: number;
  phasesMs: Record<string, number>;
  limits: string[];
  traffic: { sent: number; sendErrors: number; ratePerSec: number; byKind: Record<string, number> };
  faults: {
    kills: number;
    killsByTarget: Record<string, number>;
    kafkaRestarts: number;
    postgresRestarts: number;
    relayerCrashes: Array<{ point: string; triggered: boolean }>;
    reorg: ReorgResult | { error: string } | null;
    unplannedExits: number;
    failedRecoveries: number;
    events: FaultEvent[];
  };
  messages: {
    sent: number;
    executed: number;
    duplicated: number;
    lost: number;
    reorgedOut: number;
    reorgedOutExecuted: number;
  };
  checks: ChecksResult | null;
  badInput: {
    kafka: KafkaFuzzResult | null;
    http: HttpFuzzResult | null;
    proofs: ForgeryResult | null;
    stateUnchanged: boolean;
    stateChanges: string[];
    untrustedIntakeDelta: Record<string, number>;
    /** kafkajs consumer crashes logged by each app during the bad-input phase. */
    consumerCrashes: Record<string, number>;
    trafficAfter: { sent: number; executed: boolean; ms: number };
  };
  load: { windowMs: number; rss: RssStats[]; flat: boolean };
  security:
    | (SecurityResult & {
        crossChainRoots: { sent: number; deadLettered: number };
        equivocation: { deadLettered: boolean; chainFlagged: boolean; l1Unchanged: boolean } | null;
      })
    | null;
  failures: string[];
  /** Measured but not fatal (memory growth). */
  warnings: string[];
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The chain apps' BATCH_INTERVAL_MS when `batchIntervalMs` is not given. */
export const DEFAULT_BATCH_INTERVAL_MS = 5_000;

/** What an interrupted run must stop (main.ts runs these on SIGINT/SIGTERM): devnet, broker, database. */
export const interruptCleanups = new Set<() => Promise<void>>();

/** Runs the whole chaos scenario on a fresh devnet and returns the summary (the caller prints it). */
export async function runChaos(o: ChaosOptions): Promise<ChaosSummary> {
  const t0 = Date.now();
  const rng = new Rng(o.seed);
  const log = o.log;
  const phasesMs: Record<string, number> = {};
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    log(`== ${name}`);
    try {
      return await fn();
    } finally {
      phasesMs[name] = Date.now() - t;
    }
  };
  // Production depths (chain trees of 2^20 batches): the interval only sets how many batches (and epochs, each
  // really proved with the shape the hub picks for its backlog) the traffic makes, not whether the run fits.
  const batchIntervalMs = o.batchIntervalMs ?? DEFAULT_BATCH_INTERVAL_MS;
  const failures: string[] = [];
  const summary: ChaosSummary = {
    ok: false,
    seed: o.seed,
    options: { ...stripFns(o), batchIntervalMs },
    startedAt: new Date(t0).toISOString(),
    durationMs: 0,
    phasesMs,
    limits: [
      `production depths ${PRODUCTION_DEPTHS.chainDepth}/${PRODUCTION_DEPTHS.sharedDepth} (2^${PRODUCTION_DEPTHS.chainDepth} ` +
        `batches per chain); every epoch is proved for real with one of the shapes active on L1, so the provers' ` +
        `throughput bounds the settlement pace (BATCH_INTERVAL_MS=${batchIntervalMs})`,
    ],
    traffic: { sent: 0, sendErrors: 0, ratePerSec: 0, byKind: {} },
    faults: {
      kills: 0,
      killsByTarget: {},
      kafkaRestarts: 0,
      postgresRestarts: 0,
      relayerCrashes: [],
      reorg: null,
      unplannedExits: 0,
      failedRecoveries: 0,
      events: [],
    },
    messages: { sent: 0, executed: 0, duplicated: 0, lost: 0, reorgedOut: 0, reorgedOutExecuted: 0 },
    checks: null,
    badInput: {
      kafka: null,
      http: null,
      proofs: null,
      stateUnchanged: false,
      stateChanges: [],
      untrustedIntakeDelta: {},
      consumerCrashes: {},
      trafficAfter: { sent: 0, executed: false, ms: 0 },
    },
    load: { windowMs: o.loadMs, rss: [], flat: false },
    security: null,
    failures,
    warnings: [],
  };

  let kafka: RestartableKafka | undefined;
  let postgres: DedicatedPostgres | undefined;
  let devnet: Devnet | undefined;
  let miner: BlockMiner | undefined;
  let faults: FaultInjector | undefined;
  let traffic: Traffic | undefined;
  try {
    if (o.dedicatedInfra) {
      await phase('infra', async () => {
        const nodes = o.kafkaNodes ?? 1;
        kafka = nodes > 1 ? await ClusterKafka.start(nodes) : await DedicatedKafka.start();
        postgres = await DedicatedPostgres.start();
        log(`dedicated Kafka ${kafka.brokers}, Postgres ${postgres.url}`);
      });
    }
    const stopAll = async () => {
      await devnet?.stop().catch(() => undefined);
      await postgres?.stop().catch(() => undefined);
      await kafka?.stop().catch(() => undefined);
    };
    interruptCleanups.add(stopAll);
    const brokers = kafka?.brokers ?? o.kafkaBrokers;
    if (!brokers) throw new Error('no Kafka brokers (dedicatedInfra=false needs kafkaBrokers)');
    devnet = await phase('devnet', () =>
      startDevnet({
        kafkaBrokers: brokers,
        logDir: o.logDir,
        ...(postgres ? { database: { url: postgres.url } } : {}),
        proverMode: 'kafka',
        proverWorkers: 2,
        appEnv: {
          chain: {
            BATCH_INTERVAL_MS: String(batchIntervalMs),
            BATCH_MIN_INTERVAL_MS: String(batchIntervalMs),
            CONFIRMATIONS: '2',
            BATCH_MAX_MESSAGES: '65536',
          },
          bridge: { RELAY_BATCH_SIZE: '50' },
        },
        log: (l) => log(`devnet: ${l}`),
      }),
    );
    const dn = devnet;
    if (kafka instanceof ClusterKafka) kafka.topics = Object.values(dn.topics);
    miner = new BlockMiner(dn, 500);
    miner.start();
    const m = miner;

    const reorgUser = new DevnetUser(dn, ANVIL_PRIVATE_KEYS[9]);
    const beta = dn.chains[1]!.chainId;
    const alpha = dn.chains[0]!.chainId;
    let reorgToken: Hex | undefined;
    traffic = await phase('setup', async () => {
      const t = await Traffic.setup(dn, DEVNET_KEYS.users, rng.fork('traffic'));
      reorgToken = await reorgUser.createToken(beta, 'Reorg', 'RORG', 10n ** 24n);
      await writeAndWait(
        reorgUser.clients(dn.chain(beta)),
        {
          address: reorgToken,
          abi: bridgedTokenAbi,
          functionName: 'approve',
          args: [dn.chain(beta).vault, maxUint256],
        },
        'approve',
      );
      return t;
    });
    const tr = traffic;

    // Load: sustained traffic, no faults; memory sampled.
    await phase('load', async () => {
      const sampler = new RssSampler(dn, 2_000);
      sampler.start();
      tr.phase = 'load';
      tr.start(o.rate);
      await sleep(o.loadMs);
      const rss = sampler.stop();
      summary.load.rss = rss;
      // Flat: the last quarter's mean RSS is within 25% (and 100 MB) of the first quarter's.
      summary.load.flat = rss.every((r) => r.driftMb <= Math.max(100, r.startMb * 0.25));
    });

    // Faults while the traffic keeps flowing.
    faults = new FaultInjector(
      dn,
      rng.fork('faults'),
      log,
      { ...(kafka ? { kafka } : {}), ...(postgres ? { postgres } : {}) },
      {
        ...(o.kafkaDownMs !== undefined ? { kafkaDownMs: o.kafkaDownMs } : {}),
        ...(o.postgresDownMs !== undefined ? { postgresDownMs: o.postgresDownMs } : {}),
      },
    );
    const fi = faults;
    await phase('faults', async () => {
      tr.phase = 'faults';
      fi.startWatchdog();
      const start = Date.now();
      const frng = rng.fork('schedule');
      const targets = ['hub', 'chain-901', 'chain-902', 'bridge', 'prover-1', 'prover-2'];
      type Action = { at: number; name: string; run: () => Promise<FaultEvent> };
      const actions: Action[] = [];
      for (let i = 0; i < o.kills; i++) {
        const target = i < targets.length ? targets[i]! : frng.pick(targets);
        actions.push({
          at: frng.int(Math.floor(o.faultMs * 0.02), Math.floor(o.faultMs * 0.9)),
          name: `kill ${target}`,
          run: () => fi.killAndRestart(target),
        });
      }
      if (kafka instanceof ClusterKafka) {
        // Rolling node restarts spread over the window (each waits for the full ISR before the next may start).
        const n = kafka.cluster.nodes;
        for (let i = 0; i < n; i++)
          actions.push({
            at: Math.floor(o.faultMs * (0.15 + (0.6 * i) / Math.max(1, n - 1))),
            name: `kafka node restart ${i + 1}/${n}`,
            run: () => fi.kafkaRestart(),
          });
      } else if (kafka)
        actions.push({ at: Math.floor(o.faultMs * 0.3), name: 'kafka restart', run: () => fi.kafkaRestart() });
      if (postgres)
        actions.push({ at: Math.floor(o.faultMs * 0.55), name: 'postgres restart', run: () => fi.postgresRestart() });
      const relayWait = 2 * batchIntervalMs + 60_000;
      actions.push({
        at: Math.floor(o.faultMs * 0.1),
        name: 'relayer crash after-record',
        run: () => fi.relayerCrash('after-record', relayWait),
      });
      actions.push({
        at: Math.floor(o.faultMs * 0.65),
        name: 'relayer crash after-broadcast',
        run: () => fi.relayerCrash('after-broadcast', relayWait),
      });
      actions.sort((a, b) => a.at - b.at);
      // The traffic stops on time even if the faults (serial, each waits for recovery) run longer: the load (and
      // the proving backlog the drain waits for) depends on how long messages keep coming.
      const stopTraffic = sleep(o.faultMs).then(() => tr.stop());
      for (const a of actions) {
        const wait = start + a.at - Date.now();
        if (wait > 0) await sleep(wait);
        await a.run();
      }
      await stopTraffic;
    });

    const expectedOf = (): Expectation[] => tr.sent.map((s) => ({ ...s }));
    await phase('drain', async () => {
      const r = await waitAllExecuted(dn, expectedOf(), 3 * batchIntervalMs + 240_000, log);
      log(`drain: ${r.done ? 'all executed' : `${r.missing} still missing`} after ${r.ms} ms`);
    });

    // L2 reorg before confirmation (chain apps run with CONFIRMATIONS=2).
    let reorg: ReorgResult | undefined;
    await phase('reorg', async () => {
      try {
        reorg = await reorgBeforeConfirmation(
          dn,
          m,
          reorgUser,
          reorgToken!,
          tr.assets.recorders.get(alpha)!,
          beta,
          alpha,
          250,
        );
        fi.record({
          kind: 'reorg',
          target: `chain-${beta}`,
          downMs: 0,
          ok: true,
          note: `${reorg.reorgedOut.length} reorged out, ${reorg.resent.length} re-sent`,
        });
        summary.faults.reorg = reorg;
        const exp = reorg.resent.map((x) => ({ ...x }));
        const r = await waitAllExecuted(dn, exp, 2 * batchIntervalMs + 180_000, log);
        log(`reorg: re-sent messages ${r.done ? 'executed' : 'NOT executed'} (${r.ms} ms)`);
      } catch (e) {
        summary.faults.reorg = { error: (e as Error).message };
        failures.push(`reorg scenario failed: ${(e as Error).message}`);
      }
    });
    await fi.stopWatchdog();
    const reorgedOut = reorg?.reorgedOut ?? [];
    const reorgExpected: Expectation[] = (reorg?.resent ?? []).map((x) => ({ ...x }));

    // Bad input on a quiet network: the state must not move.
    await phase('bad-input', async () => {
      const quiet = await waitQuiet(dn, 4_000, 120_000);
      if (!quiet.quiet) log(`bad-input: state still changing (${quiet.changing.join(', ')}); fuzzing anyway`);
      const before = quiet.snapshot;
      const logOffsets = new Map([...dn.apps.values()].map((a) => [a.name, logSize(a.logFile)]));
      summary.badInput.kafka = await fuzzKafka(
        dn,
        rng.fork('kafka-fuzz'),
        o.fuzzPerTopic,
        log,
        300_000 + o.fuzzPerTopic * 30,
      );
      summary.badInput.http = await fuzzHttp(dn, rng.fork('http-fuzz'), o.httpPerEndpoint);
      const executedViews = [...tr.sent]
        .reverse()
        .slice(0, 10)
        .map((s) => ({ id: s.id, dst: s.dst, message: s.message }));
      summary.badInput.proofs = await forgeProofs(dn, rng.fork('forgery'), o.forgeries, executedViews, log);
      const after = (await waitQuiet(dn, 3_000, 60_000)).snapshot;
      summary.badInput.stateChanges = diffState(before, after).map((k) => `${k}: ${before[k]} -> ${after[k]}`);
      summary.badInput.stateUnchanged = summary.badInput.stateChanges.length === 0;
      for (const k of Object.keys(after).filter((x) => x.startsWith('untrusted:'))) {
        summary.badInput.untrustedIntakeDelta[k.slice('untrusted:'.length)] = Number(after[k]) - Number(before[k]);
      }
      // No consumer crashed (kafkajs logs `[Consumer] Crash` when a consumer gives up) ...
      for (const a of dn.apps.values()) {
        const n = (readFrom(a.logFile, logOffsets.get(a.name) ?? 0).match(/\[Consumer\] Crash/g) ?? []).length;
        if (n > 0) summary.badInput.consumerCrashes[a.name] = n;
      }
      // ... and new traffic still flows end to end (both directions, both kinds).
      const t = Date.now();
      tr.phase = 'after-bad-input';
      const afterSent = [];
      for (const u of tr.users) afterSent.push(await tr.sendOne(u, rng.fork(`after-${u.address}`)));
      for (const u of tr.users) afterSent.push(await tr.sendOne(u, rng.fork(`after2-${u.address}`)));
      const r = await waitAllExecuted(
        dn,
        afterSent.map((s) => ({ ...s })),
        2 * batchIntervalMs + 180_000,
        log,
      );
      summary.badInput.trafficAfter = { sent: afterSent.length, executed: r.done, ms: Date.now() - t };
    });

    const sec = await phase('security', () => securityChecks(dn));
    // A chain cannot post roots for another: the fuzzed batch roots of chain B signed by chain A's operator.
    const cross = summary.badInput.kafka?.topics.find((x) => x.topic === dn.topics.batchRoots)?.byCategory[
      'other-chains-operator'
    ];
    const crossChainRoots = { sent: cross?.sent ?? 0, deadLettered: cross?.deadLettered ?? 0 };
    if (crossChainRoots.sent === 0 || crossChainRoots.deadLettered < crossChainRoots.sent) {
      sec.failures.push(`batch roots signed by another chain's operator: ${JSON.stringify(crossChainRoots)}`);
      sec.ok = false;
    }
    summary.security = { ...sec, crossChainRoots, equivocation: null };

    summary.checks = await phase('checks', () => runChecks(dn, [...expectedOf(), ...reorgExpected], reorgedOut));

    // Last (it flags chain 901): an equivocation signed by the real operator is detected and changes nothing on L1.
    await phase('equivocation', async () => {
      summary.security!.equivocation = await operatorEquivocation(dn);
    });

    // Summary figures.
    const sent = [...tr.sent, ...reorgExpected];
    summary.traffic = {
      sent: tr.sent.length,
      sendErrors: tr.sendErrors.length,
      ratePerSec:
        Math.round(
          (tr.sent.filter((s) => s.phase !== 'after-bad-input').length / ((o.loadMs + o.faultMs) / 1000)) * 100,
        ) / 100,
      byKind: tr.sent.reduce<Record<string, number>>(
        (a, s) => ((a[`${s.kind} ${s.src}->${s.dst}`] = (a[`${s.kind} ${s.src}->${s.dst}`] ?? 0) + 1), a),
        {},
      ),
    };
    const c = summary.checks;
    summary.messages = {
      sent: sent.length,
      executed: c.messages.executedOnChain,
      duplicated: c.messages.duplicated,
      lost: c.messages.lost,
      reorgedOut: c.messages.reorgedOut,
      reorgedOutExecuted: c.messages.reorgedOutExecuted,
    };
  } catch (e) {
    failures.push(`harness error: ${(e as Error).stack ?? String(e)}`);
  } finally {
    miner?.stop();
    await traffic?.stop().catch(() => undefined);
    await faults?.stopWatchdog().catch(() => undefined);
    if (faults) {
      const ev = faults.events;
      summary.faults.events = ev;
      summary.faults.kills = ev.filter((e) => e.kind === 'kill').length;
      summary.faults.killsByTarget = ev
        .filter((e) => e.kind === 'kill')
        .reduce<Record<string, number>>((a, e) => ((a[e.target] = (a[e.target] ?? 0) + 1), a), {});
      summary.faults.kafkaRestarts = ev.filter((e) => e.kind === 'kafka-restart' && e.ok).length;
      summary.faults.postgresRestarts = ev.filter((e) => e.kind === 'postgres-restart' && e.ok).length;
      summary.faults.relayerCrashes = ev
        .filter((e) => e.kind === 'relayer-crash')
        .map((e) => ({ point: e.target.split(':')[1] ?? '', triggered: e.ok }));
      summary.faults.unplannedExits = ev.filter((e) => e.kind === 'unplanned-exit').length;
      summary.faults.failedRecoveries = ev.filter((e) => !e.ok).length;
    }
    await devnet?.stop().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
    await kafka?.stop().catch(() => undefined);
  }

  // Verdict: any loss or duplicate fails, and so does every other broken invariant.
  if (summary.checks) failures.push(...summary.checks.failures);
  else failures.push('checks did not run');
  const bi = summary.badInput;
  if (bi.kafka) failures.push(...bi.kafka.failures);
  if (bi.http) failures.push(...bi.http.failures);
  if (bi.proofs) failures.push(...bi.proofs.failures);
  if (!bi.stateUnchanged) failures.push(`bad input changed the state: ${bi.stateChanges.join('; ') || 'not measured'}`);
  if ((bi.untrustedIntakeDelta['bridge_batches:verified_or_settled'] ?? 0) !== 0)
    failures.push('a forged batch became verified');
  if (Object.keys(bi.consumerCrashes).length > 0)
    failures.push(`consumers crashed on bad input: ${JSON.stringify(bi.consumerCrashes)}`);
  if (!bi.trafficAfter.executed) failures.push('traffic did not flow after the bad input (a consumer stopped?)');
  if (summary.security) {
    failures.push(...summary.security.failures);
    const eq = summary.security.equivocation;
    if (eq && !(eq.deadLettered && eq.chainFlagged && eq.l1Unchanged))
      failures.push(`operator equivocation: ${JSON.stringify(eq)}`);
  }
  if (summary.faults.kills < o.kills) failures.push(`only ${summary.faults.kills} of ${o.kills} kills ran`);
  if (summary.faults.failedRecoveries > 0)
    failures.push(`${summary.faults.failedRecoveries} fault(s) without recovery`);
  // No app may give up on its own, even while the broker or the database is away (issue #17): an exit the watchdog
  // had to restart is a failure, not a recovery.
  if (summary.faults.unplannedExits > 0)
    failures.push(
      `${summary.faults.unplannedExits} app(s) exited on their own: ${(faults?.events ?? [])
        .filter((e) => e.kind === 'unplanned-exit')
        .map((e) => `${e.target} at ${Math.round(e.atMs / 1000)} s`)
        .join(', ')}`,
    );
  // Memory is a measured figure, not an invariant: a growth past the threshold is a warning (the exit code is about
  // loss, duplicates and broken invariants).
  if (!summary.load.flat) {
    const grew = summary.load.rss.filter((r) => r.driftMb > Math.max(100, r.startMb * 0.25));
    summary.warnings.push(
      `memory grew over the load window: ${grew.map((r) => `${r.app} ${r.startMb} -> ${r.endMb} MB (mean drift ${r.driftMb} MB)`).join(', ')}`,
    );
  }
  summary.ok = failures.length === 0;
  summary.durationMs = Date.now() - t0;
  return summary;
}

/**
 * The operator of chain 901 signs a second, different root for an already stored batch and publishes it: the hub
 * dead-letters it as EQUIVOCATION, records it and flags the chain; L1 does not move.
 */
async function operatorEquivocation(
  devnet: Devnet,
): Promise<{ deadLettered: boolean; chainFlagged: boolean; l1Unchanged: boolean }> {
  const c = devnet.chains[0]!;
  const before = await httpJson('GET', `${devnet.hubUrl}/roots/latest`);
  const domain = interopHubDomain(BigInt(devnet.l1.chainId), devnet.l1.hub);
  // A second batch 0 with its honest chain root (the tree holding only it): a well-formed v2 record the operator
  // really signed, so only the conflict with the stored batch 0 can refuse it.
  const batchRoot = keccak256(toHex('equivocation'));
  const tree = new IncrementalPoseidonTree(PRODUCTION_DEPTHS.chainDepth);
  tree.append(batchLeaf(batchRoot, 0n));
  const commitment = {
    chainId: c.chainId,
    batchNumber: 0n,
    batchRoot,
    chainRoot: fieldToBytes32(tree.root),
    messageCount: 1,
    firstBlock: 1n,
    lastBlock: 1n,
  };
  const signature = await signBatchRoot(c.operatorKey, domain, commitment);
  const dlq = new TopicCollector(devnet.kafkaBrokers, devnet.topics.deadLetter);
  await dlq.start();
  const producer = new TrackingProducer(devnet.kafkaBrokers);
  await producer.connect();
  try {
    const [where] = await producer.send(devnet.topics.batchRoots, 1, [
      { key: String(c.chainId), value: batchRootRecordToJson({ ...commitment, signature }) },
    ]);
    const ref = where && 'offset' in where ? where : undefined;
    const deadLettered = await pollUntil(
      'equivocation dead letter',
      () =>
        Promise.resolve(
          dlq.records.some((r) => {
            const v = r.value?.toString('utf8') ?? '';
            return v.includes('"EQUIVOCATION"') && ref !== undefined && v.includes(`"offset":"${ref.offset}"`);
          })
            ? true
            : undefined,
        ),
      60_000,
      500,
    ).catch(() => false);
    const chainFlagged = await pollUntil(
      'chain flagged',
      async () =>
        ((await httpJson('GET', `${devnet.hubUrl}/chains/${c.chainId}`)).body as { status?: string }).status ===
          'flagged' || undefined,
      30_000,
      500,
    ).catch(() => false);
    const after = await httpJson('GET', `${devnet.hubUrl}/roots/latest`);
    return { deadLettered, chainFlagged, l1Unchanged: JSON.stringify(before.body) === JSON.stringify(after.body) };
  } finally {
    await producer.close();
    await dlq.close();
  }
}

function logSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function readFrom(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

function stripFns(o: ChaosOptions): Omit<ChaosOptions, 'log' | 'kafkaBrokers'> {
  const { log: _log, kafkaBrokers: _k, ...rest } = o;
  return rest;
}

/** The summary as JSON text (bigints as decimal strings). */
export function summaryToJson(summary: ChaosSummary): string {
  return JSON.stringify(summary, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/** Default log directory of a run. */
export function defaultLogDir(seed: number): string {
  return join(repoRoot(), '.cache', 'chaos', `run-${seed}-${Date.now()}`);
}
