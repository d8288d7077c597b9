/**
 * Kafka cluster chaos (issue #17 "Reliability"): a 3-node KRaft cluster (replication factor 3, min.insync.replicas 2,
 * unclean leader election off), a producer with acks=all sending numbered records at a steady rate, a consumer group
 * committing after processing, and meanwhile one node at a time SIGKILLed and restarted, the active controller among
 * them, with the ISR back to 3 between kills. Then: every acknowledged record must have been consumed (else lost),
 * and the topic is read back by id to count records written twice.
 */
import { logLevel, type Consumer, type EachBatchPayload, type Producer } from 'kafkajs';

import { ConsumerSupervisor } from '@interop/infra/kafka/consumerSupervisor';
import { createKafkaClient } from '@interop/infra/kafka/createKafkaClient';
import { ensureTopics } from '@interop/infra/kafka/ensureTopics';
import { KafkaProducerService } from '@interop/infra/kafka/kafkaProducer.service';
import { KafkaCluster } from '@interop/infra/testing/kafkaCluster';
import { uniqueKafkaName } from '@interop/infra/testing/kafkaNames';

import { Rng } from '../rng';

export type ProducerKind = 'service' | 'idempotent';

export type ClusterChaosOptions = {
  seconds: number;
  seed: number;
  /** Records per second (default 50). */
  rate?: number;
  partitions?: number;
  /** Members of the consumer group (default 2). */
  consumers?: number;
  /**
   * `service`: the project's KafkaProducerService (acks=all, one request in flight, bounded retries, not idempotent).
   * `idempotent`: a kafkajs idempotent producer (acks=all, the broker drops a retried batch it already has).
   */
  producer?: ProducerKind;
  /** Time without kills at the start and at the end (default 8 s each). */
  calmMs?: number;
  /** Longest a killed node stays down before its restart (drawn 1 s..this, default 4 s). */
  maxDownMs?: number;
  /** Stop after this many kills (default: as many as fit). */
  maxKills?: number;
  /** At least this many kills: the traffic runs past `seconds` until they are done (default 1). */
  minKills?: number;
  /** Use this cluster instead of starting one (it is then not stopped here). */
  cluster?: KafkaCluster;
  log?: (line: string) => void;
};

export type KillRecord = {
  n: number;
  node: number;
  wasController: boolean;
  controllerBefore: number;
  /** Active controller once the cluster settled after the kill (another node when the controller was killed). */
  controllerAfter: number;
  /** Seconds since the traffic started. */
  atS: number;
  /** From SIGKILL until the quorum named a new active controller (controller kills only). */
  newControllerMs?: number;
  /** How long the node stayed down before its restart was started. */
  downMs: number;
  /** `kafka.sh restart` (JVM start until the cluster lists the node again). */
  restartMs: number;
  /** From SIGKILL until every partition (chaos topic and __consumer_offsets) had its 3 replicas in sync again. */
  recoveredMs: number;
  /** Longest time without any acknowledged send, from the kill until recovery. */
  maxAckGapMs: number;
  /** Sends that failed (not acknowledged) between the kill and recovery. */
  failedSends: number;
};

export type ClusterChaosSummary = {
  seed: number;
  seconds: number;
  nodes: number;
  brokers: string;
  topic: string;
  partitions: number;
  replicationFactor: number;
  minInsyncReplicas: number;
  uncleanLeaderElection: false;
  producer: string;
  consumerGroup: string;
  ratePerSecond: number;
  sent: number;
  acked: number;
  /** Sends that failed (timeout or error after the producer's retries): not acknowledged, so not owed. */
  failed: number;
  /** Failed sends whose record is on the topic anyway (written, but the ack was lost). */
  failedButWritten: number;
  /** Sends neither acknowledged nor failed 60 s after the traffic stopped (not owed either). */
  unresolved: number;
  /** Distinct ids the group consumed. */
  consumed: number;
  /** Records the group processed, redeliveries included. */
  consumedRecords: number;
  /** Acknowledged ids the group never consumed. */
  lost: number;
  lostIds: number[];
  /** Acknowledged ids that are not on the topic when it is read back. */
  lostOnTopic: number;
  /** Ids written to the topic more than once (producer-side duplicates: retries of a write that had succeeded). */
  duplicatedOnTopic: number;
  duplicatedOnTopicExtraRecords: number;
  duplicatedOnTopicIds: number[];
  /** Ids the group processed more than once (consumer-side redeliveries after a rebalance / uncommitted offsets). */
  consumerRedeliveredIds: number;
  consumerRedeliveries: number;
  recordsOnTopic: number;
  kills: KillRecord[];
  controllerKills: number;
  consumerRestarts: number;
  ackLatencyMs: { p50: number; p99: number; max: number };
  finalIsrFull: boolean;
  durationMs: number;
  startedAt: string;
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Value = { id: number; at: number };

/** The producer under test, behind one `send(id)`. */
type SendFn = (id: number) => Promise<void>;

async function makeProducer(
  kind: ProducerKind,
  brokers: string,
  topic: string,
): Promise<{ send: SendFn; close: () => Promise<void>; description: string }> {
  const value = (id: number): string => JSON.stringify({ id, at: Date.now() } satisfies Value);
  if (kind === 'service') {
    const service = new KafkaProducerService({
      brokers,
      clientId: 'chaos-cluster-producer',
      fast: true,
      sendTimeoutMs: 30_000,
    });
    await service.connect();
    return {
      send: async (id) => {
        await service.send(topic, String(id), value(id));
      },
      close: () => service.close(),
      description:
        'KafkaProducerService (acks=all, maxInFlightRequests 1, bounded retries, not idempotent, send timeout 30 s)',
    };
  }
  const producer: Producer = createKafkaClient({
    brokers,
    clientId: 'chaos-cluster-producer',
    fast: true,
    logLevel: logLevel.ERROR,
  }).producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  return {
    send: async (id) => {
      await producer.send({ topic, acks: -1, messages: [{ key: String(id), value: value(id) }] });
    },
    close: () => producer.disconnect(),
    description: 'kafkajs idempotent producer (acks=all, maxInFlightRequests 1, default retries)',
  };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Reads the whole topic (up to its high watermarks) with a fresh group and counts every id. */
async function readBackById(brokers: string, topic: string, timeoutMs = 120_000): Promise<Map<number, number>> {
  const kafka = createKafkaClient({
    brokers,
    clientId: 'chaos-cluster-readback',
    fast: true,
    logLevel: logLevel.ERROR,
  });
  const admin = kafka.admin();
  await admin.connect();
  const highs = new Map<number, bigint>();
  try {
    for (const o of await admin.fetchTopicOffsets(topic)) highs.set(o.partition, BigInt(o.high));
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const counts = new Map<number, number>();
  const next = new Map<number, bigint>();
  const consumer = kafka.consumer({
    groupId: uniqueKafkaName('chaos-cluster-readback'),
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });
  const complete = (): boolean => [...highs].every(([p, high]) => (next.get(p) ?? 0n) >= high);
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ partition, message }) => {
        const v = JSON.parse(message.value!.toString()) as Value;
        counts.set(v.id, (counts.get(v.id) ?? 0) + 1);
        next.set(partition, BigInt(message.offset) + 1n);
        if (complete()) resolveDone();
        return Promise.resolve();
      },
    });
    if (!complete()) {
      const deadline = Date.now() + timeoutMs;
      while (!complete()) {
        if (Date.now() > deadline) throw new Error(`read-back of ${topic} incomplete after ${timeoutMs} ms`);
        await Promise.race([done, sleep(200)]);
      }
    }
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return counts;
}

export async function runClusterChaos(options: ClusterChaosOptions): Promise<ClusterChaosSummary> {
  const {
    seconds,
    seed,
    rate = 50,
    partitions = 6,
    consumers: consumerCount = 2,
    producer: producerKind = 'service',
    calmMs = 8_000,
    maxDownMs = 4_000,
    maxKills = Number.POSITIVE_INFINITY,
    minKills = 1,
    log = (line: string) => process.stderr.write(`[chaos-cluster] ${line}\n`),
  } = options;
  const rng = new Rng(seed);
  const t0 = Date.now();
  const restoreConsole = muteKafkajsConsole();
  const startedAt = new Date().toISOString();
  const ownCluster = !options.cluster;
  log(ownCluster ? 'starting a 3-node KRaft cluster ...' : `using cluster ${options.cluster!.brokers}`);
  const cluster = options.cluster ?? (await KafkaCluster.start({ nodes: 3 }));
  const cleanups: Array<() => Promise<unknown>> = [];
  // Ctrl-C / SIGTERM: the cluster this run started is stopped before exiting, not left running.
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping the cluster`);
    void (ownCluster ? cluster.stop() : Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  cleanups.push(() => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    return Promise.resolve();
  });
  try {
    log(`cluster ${cluster.brokers} (controllers ${cluster.controllers}) up after ${Date.now() - t0} ms`);
    const brokers = cluster.brokers;
    const topic = uniqueKafkaName(`chaos.cluster.s${seed}`);
    const groupId = uniqueKafkaName('chaos.cluster.group');
    const created = await ensureTopics(brokers, [{ topic, numPartitions: partitions }]);
    const rf = created.replicationFactor ?? 0;
    if (rf !== 3) throw new Error(`topic created with replication factor ${rf}, expected 3`);

    // ---- consumer group: commit after processing, supervised like the apps' consumers ----
    const consumedCount = new Map<number, number>();
    let consumedRecords = 0;
    const kafka = createKafkaClient({
      brokers,
      clientId: 'chaos-cluster-consumer',
      fast: true,
      logLevel: logLevel.NOTHING,
    });
    const supervisors: ConsumerSupervisor[] = [];
    const quietLogger = {
      log: () => undefined,
      warn: (m: string) => log(`consumer: ${m}`),
      error: (m: string) => log(`consumer: ${m}`),
    };
    for (let i = 0; i < consumerCount; i++) {
      const supervisor = new ConsumerSupervisor({
        name: `chaos.cluster.consumer-${i}`,
        logger: quietLogger,
        backoff: { initialMs: 200, maxMs: 2_000 },
        create: (): Consumer =>
          kafka.consumer({
            groupId,
            sessionTimeout: 6_000,
            heartbeatInterval: 500,
            rebalanceTimeout: 10_000,
            maxWaitTimeInMs: 100,
            allowAutoTopicCreation: false,
            retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 8 },
          }),
        run: async (consumer) => {
          await consumer.connect();
          await consumer.subscribe({ topics: [topic], fromBeginning: true });
          await consumer.run({
            eachBatchAutoResolve: false,
            eachBatch: async ({
              batch,
              resolveOffset,
              commitOffsetsIfNecessary,
              heartbeat,
              isRunning,
              isStale,
            }: EachBatchPayload) => {
              for (const message of batch.messages) {
                if (!isRunning() || isStale()) return;
                const v = JSON.parse(message.value!.toString()) as Value;
                consumedCount.set(v.id, (consumedCount.get(v.id) ?? 0) + 1);
                consumedRecords += 1;
                resolveOffset(message.offset);
              }
              // Committed after the records are processed: a crash before this re-delivers them (at least once).
              await commitOffsetsIfNecessary();
              await heartbeat();
            },
          });
        },
      });
      supervisors.push(supervisor);
      await supervisor.start();
    }
    cleanups.push(async () => Promise.all(supervisors.map((s) => s.stop().catch(() => undefined))));

    // ---- producer: numbered records at a steady rate; every acknowledged id is recorded ----
    const producer = await makeProducer(producerKind, brokers, topic);
    cleanups.push(() => producer.close().catch(() => undefined));
    const acked = new Set<number>();
    const failed = new Map<number, string>();
    const latencies: number[] = [];
    const ackTimes: number[] = [];
    const pending = new Set<Promise<void>>();
    let nextId = 1;
    let producing = true;
    let chaosDone = false;
    const trafficStart = Date.now();
    const trafficEnd = trafficStart + seconds * 1000;
    const producerLoop = (async () => {
      const interval = 1000 / rate;
      let due = Date.now();
      while (producing && (Date.now() < trafficEnd || !chaosDone)) {
        const id = nextId++;
        const sentAt = Date.now();
        const p = producer
          .send(id)
          .then(() => {
            acked.add(id);
            const now = Date.now();
            latencies.push(now - sentAt);
            ackTimes.push(now);
          })
          .catch((e: unknown) => {
            failed.set(id, e instanceof Error ? e.message : String(e));
          })
          .finally(() => pending.delete(p));
        pending.add(p);
        due += interval;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
      }
    })();

    // ---- chaos: kill one node at a time, the active controller among them ----
    const kills: KillRecord[] = [];
    const probeTopics = [topic, '__consumer_offsets'];
    const maxAckGap = (from: number, to: number): number => {
      let last = from;
      let gap = 0;
      for (const t of ackTimes) {
        if (t < from) continue;
        if (t > to) break;
        gap = Math.max(gap, t - last);
        last = t;
      }
      return Math.max(gap, to - last);
    };
    await sleep(Math.min(calmMs, seconds * 250));
    // One cycle (kill, down, restart, ISR catch-up) takes about 15 s here; no new kill unless one fits before the end.
    const cycleBudgetMs = 18_000;
    while (
      kills.length < maxKills &&
      (kills.length < minKills || Date.now() + cycleBudgetMs + calmMs / 2 < trafficEnd)
    ) {
      const controllerBefore = await cluster.activeController();
      // The first kill is the active controller; later ones the controller half the time, else another node.
      const others = [1, 2, 3].filter((n) => n !== controllerBefore);
      const node = kills.length === 0 || rng.next() < 0.5 ? controllerBefore : others[rng.int(0, others.length - 1)]!;
      const wasController = node === controllerBefore;
      const failedBefore = failed.size;
      const downMs = rng.int(1_000, maxDownMs);
      const killedAt = Date.now();
      await cluster.kill(node);
      log(
        `kill #${kills.length + 1}: node ${node}${wasController ? ' (active controller)' : ''} at ${((killedAt - trafficStart) / 1000).toFixed(1)} s`,
      );
      let newControllerMs: number | undefined;
      if (wasController) {
        for (;;) {
          const q = await cluster.quorum(30_000).catch(() => undefined);
          if (q && q.leaderId !== node && q.leaderId >= 0) {
            newControllerMs = Date.now() - killedAt;
            break;
          }
          if (Date.now() - killedAt > 60_000) throw new Error('no new active controller within 60 s');
          await sleep(100);
        }
        log(`  new active controller after ${newControllerMs} ms`);
      }
      const wait = killedAt + downMs - Date.now();
      if (wait > 0) await sleep(wait);
      const r0 = Date.now();
      await cluster.restart(node);
      const restartMs = Date.now() - r0;
      await cluster.waitForFullIsr(probeTopics, 180_000);
      const recoveredAt = Date.now();
      const controllerAfter = await cluster.activeController();
      const record: KillRecord = {
        n: kills.length + 1,
        node,
        wasController,
        controllerBefore,
        controllerAfter,
        atS: Number(((killedAt - trafficStart) / 1000).toFixed(1)),
        ...(newControllerMs !== undefined ? { newControllerMs } : {}),
        downMs: r0 - killedAt,
        restartMs,
        recoveredMs: recoveredAt - killedAt,
        maxAckGapMs: maxAckGap(killedAt, recoveredAt),
        failedSends: failed.size - failedBefore,
      };
      kills.push(record);
      log(
        `  node ${node} back in ${restartMs} ms, ISR full ${record.recoveredMs} ms after the kill; ` +
          `longest ack gap ${record.maxAckGapMs} ms; acked ${acked.size}, failed ${failed.size}`,
      );
      await sleep(rng.int(1_000, 3_000));
    }

    chaosDone = true;
    await producerLoop;
    producing = false;
    log(`traffic done: ${nextId - 1} sent; waiting for ${pending.size} sends in flight ...`);
    // Bounded: a kafkajs idempotent producer can retry one send forever (seen after a leader change); such a send
    // counts as not acknowledged (`unresolved`).
    const drained = await Promise.race([
      Promise.allSettled([...pending]).then(() => true),
      sleep(60_000).then(() => false),
    ]);
    const unresolved = pending.size;
    if (!drained) log(`${unresolved} sends still unresolved after 60 s: counted as not acknowledged`);
    await Promise.race([producer.close().catch(() => undefined), sleep(10_000)]);

    // ---- every acknowledged id consumed? ----
    const deadline = Date.now() + 90_000;
    const missing = (): number[] => [...acked].filter((id) => !consumedCount.has(id));
    while (missing().length > 0 && Date.now() < deadline) await sleep(250);
    const lostIds = missing().sort((a, b) => a - b);
    const consumerRestarts = supervisors.reduce((n, s) => n + s.status().restarts, 0);
    await Promise.all(supervisors.map((s) => s.stop().catch(() => undefined)));

    // ---- the topic by id: producer-side duplicates ----
    const onTopic = await readBackById(brokers, topic);
    const dupIds = [...onTopic]
      .filter(([, n]) => n > 1)
      .map(([id]) => id)
      .sort((a, b) => a - b);
    const recordsOnTopic = [...onTopic.values()].reduce((a, b) => a + b, 0);
    const redelivered = [...consumedCount].filter(([, n]) => n > 1);
    const finalIsrFull = (await cluster.isrProblems(probeTopics)).length === 0;
    const sorted = [...latencies].sort((a, b) => a - b);

    return {
      seed,
      seconds,
      nodes: cluster.nodes,
      brokers,
      topic,
      partitions,
      replicationFactor: rf,
      minInsyncReplicas: 2,
      uncleanLeaderElection: false,
      producer: producer.description,
      consumerGroup: `${consumerCount} members, eachBatch, offsets committed after processing`,
      ratePerSecond: rate,
      sent: nextId - 1,
      acked: acked.size,
      failed: failed.size,
      failedButWritten: [...failed.keys()].filter((id) => onTopic.has(id)).length,
      unresolved,
      consumed: consumedCount.size,
      consumedRecords,
      lost: lostIds.length,
      lostIds: lostIds.slice(0, 50),
      lostOnTopic: [...acked].filter((id) => !onTopic.has(id)).length,
      duplicatedOnTopic: dupIds.length,
      duplicatedOnTopicExtraRecords: dupIds.reduce((n, id) => n + onTopic.get(id)! - 1, 0),
      duplicatedOnTopicIds: dupIds.slice(0, 50),
      consumerRedeliveredIds: redelivered.length,
      consumerRedeliveries: redelivered.reduce((n, [, c]) => n + c - 1, 0),
      recordsOnTopic,
      kills,
      controllerKills: kills.filter((k) => k.wasController).length,
      consumerRestarts,
      ackLatencyMs: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? 0 },
      finalIsrFull,
      durationMs: Date.now() - t0,
      startedAt,
    };
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    if (ownCluster) {
      log('stopping the cluster ...');
      await cluster.stop().catch((e: unknown) => log(`cluster stop failed: ${String(e)}`));
    }
    const muted = restoreConsole();
    if (muted > 0) log(`${muted} kafkajs log lines muted (retries while a node was down)`);
  }
}

/**
 * kafkajs's default logger writes one JSON line per retry to the console (KafkaProducerService takes no log level):
 * hundreds per kill. They are counted instead; everything else printed still goes through. Returns the restore.
 */
function muteKafkajsConsole(): () => number {
  let muted = 0;
  const methods = ['log', 'info', 'warn', 'error'] as const;
  const originals = methods.map((m) => console[m]);
  methods.forEach((m, i) => {
    console[m] = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith('{"level"') && args[0].includes('"logger":"kafkajs"')) {
        muted += 1;
        return;
      }
      originals[i]!.apply(console, args);
    };
  });
  return () => {
    methods.forEach((m, i) => (console[m] = originals[i]!));
    return muted;
  };
}
