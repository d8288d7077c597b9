/**
 * kafkajs admin helper for scripts/infra/kafka.sh (run with tsx):
 *
 *   kafka-admin.ts ready  --brokers H:P[,H:P...] [--timeout-ms N] [--expect-brokers N] [--expect-node ID]
 *                                                          wait until the cluster answers a metadata request (and,
 *                                                          on a cluster, lists N live brokers / node ID)
 *   kafka-admin.ts topics --brokers H:P [--partitions N] [--replication-factor N] [topic...]
 *                                                          create the project's topics (or the ones named); the
 *                                                          replication factor defaults to min(3, live brokers)
 *   kafka-admin.ts quorum --controllers H:P[,H:P...]       the KRaft quorum (DescribeQuorum) as JSON on stdout
 *
 * It uses the same code as the apps (libs/infra/src/kafka), so the script and the apps agree on topic names and
 * partition counts.
 */
import { parseArgs } from 'node:util';

import { logLevel } from 'kafkajs';

import { createKafkaClient } from '../../libs/infra/src/kafka/createKafkaClient';
import { ensureTopics } from '../../libs/infra/src/kafka/ensureTopics';
import { projectTopicSpecs } from '../../libs/infra/src/kafka/topics';
import { describeQuorum } from '../../libs/infra/src/testing/kafkaQuorum';

function say(message: string): void {
  process.stderr.write(`[kafka] ${message}\n`);
}

type Expect = { brokers?: number; node?: number };

async function ready(brokers: string, timeoutMs: number, expect: Expect = {}): Promise<void> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let lastError: string;
  let lastNote = started;
  // NOTHING: while the broker boots every attempt fails, and kafkajs would print each one.
  const kafka = createKafkaClient({ brokers, clientId: 'interop-infra-ready', fast: true, logLevel: logLevel.NOTHING });
  for (;;) {
    const admin = kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      // A cluster: every node registered and unfenced before the internal topics (replication factor 3) are created.
      if (expect.brokers !== undefined && cluster.brokers.length < expect.brokers)
        throw new Error(`${cluster.brokers.length}/${expect.brokers} brokers registered`);
      if (expect.node !== undefined && !cluster.brokers.some((b) => b.nodeId === expect.node))
        throw new Error(`node ${expect.node} not registered yet`);
      await admin.listTopics();
      // The first group request makes the broker create __consumer_offsets; until it has loaded, every consumer and
      // idempotent producer gets "coordinator is loading" errors. Doing it here keeps them out of the first test.
      await admin.describeGroups(['interop-infra-warmup']);
      // Same for the first idempotent producer (InitProducerId waits for the broker's first producer-id block).
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
      try {
        await producer.connect();
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
      say(
        `cluster ${cluster.clusterId} answers (${cluster.brokers.length} broker, controller ${cluster.controller}) after ${Date.now() - started} ms`,
      );
      return;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${brokers} within ${timeoutMs} ms: ${lastError}`);
    if (Date.now() - lastNote > 5_000) {
      say(`waiting for ${brokers} (${lastError})`);
      lastNote = Date.now();
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function topics(
  brokers: string,
  partitions: number,
  names: string[],
  replicationFactor: number | undefined,
): Promise<void> {
  const started = Date.now();
  const specs =
    names.length > 0 ? names.map((topic) => ({ topic, numPartitions: partitions })) : projectTopicSpecs(partitions);
  const result = await ensureTopics(brokers, specs, {
    defaultPartitions: partitions,
    ...(replicationFactor !== undefined ? { replicationFactor } : {}),
  });
  if (result.created.length > 0) say(`created with replication factor ${result.replicationFactor}`);
  for (const spec of specs) {
    const state = result.created.includes(spec.topic) ? 'created' : 'exists';
    say(`${spec.topic}: ${state}, ${result.partitions[spec.topic]} partition(s)`);
  }
  say(`topics ready in ${Date.now() - started} ms`);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      brokers: { type: 'string' },
      'timeout-ms': { type: 'string', default: '60000' },
      partitions: { type: 'string', default: process.env.KAFKA_TOPIC_PARTITIONS ?? '3' },
      'replication-factor': { type: 'string' },
      'expect-brokers': { type: 'string' },
      'expect-node': { type: 'string' },
      controllers: { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  const brokers = values.brokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
  if (command === 'ready') {
    const expect: Expect = {};
    if (values['expect-brokers'] !== undefined)
      expect.brokers = positiveInt('--expect-brokers', values['expect-brokers']);
    if (values['expect-node'] !== undefined) expect.node = positiveInt('--expect-node', values['expect-node']);
    return ready(brokers, Number(values['timeout-ms']), expect);
  }
  if (command === 'topics') {
    const partitions = positiveInt('--partitions', values.partitions);
    const rf = values['replication-factor'];
    return topics(brokers, partitions, rest, rf === undefined ? undefined : positiveInt('--replication-factor', rf));
  }
  if (command === 'quorum') {
    if (!values.controllers) throw new Error('quorum needs --controllers H:P[,H:P...] (the CONTROLLER listeners)');
    const state = await describeQuorum({ controllers: values.controllers });
    process.stdout.write(`${JSON.stringify(state)}\n`);
    return;
  }
  throw new Error(`unknown command ${command ?? '(none)'}: use ready, topics or quorum`);
}

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return n;
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    say(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
