// ProofWorker on a real Kafka broker (KAFKA_BROKERS, e.g. from `scripts/infra/kafka.sh start`):
// two members of one consumer group share the jobs; a member killed mid-proof leaves its uncommitted job to the
// other; invalid jobs go to the dead-letter topic. Each run uses its own topics and group.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { hostileRecords, sendHostileRecords } from '@interop/infra/testing/hostileRecords';
import { PRODUCTION_DEPTHS, PRODUCTION_SHAPES } from '@interop/protocol';
import { type Consumer, Kafka, logLevel } from 'kafkajs';

import { circuitArtifacts } from './circuitArtifacts';
import { encodeProofJob, proofMessageSchema } from './proofMessages';
import { ProofWorker } from './proofWorker';
import { Prover } from './prover';
import { repoRoot } from './repoRoot';
import { ensureCircuits } from './testing/ensureCircuits';
import { releaseSnarkjs } from './testing/releaseSnarkjs';
import { sampleSteps } from './testing/sampleSteps';
import type { VerificationKey } from './types';
import { verifyAggregationProof } from './verifyAggregationProof';

jest.setTimeout(10 * 60_000);

const brokers = process.env.KAFKA_BROKERS;
const run = `${Date.now()}-${process.pid}`;
const topics = {
  jobsTopic: `test.proof-jobs.${run}`,
  proofsTopic: `test.proofs.${run}`,
  deadLetterTopic: `test.dead-letter.${run}`,
};
// Jobs of the small production shape (s4): the cheapest real proofs.
const steps = sampleSteps({ ...PRODUCTION_DEPTHS, ...PRODUCTION_SHAPES.s4, epochs: 6 });

type Received = { epoch: bigint; provedBy: string; valid: boolean };

let kafka: Kafka;
let vkey: VerificationKey;
const cleanup: (() => Promise<void>)[] = [];
const proofs: Received[] = [];
const deadLetters: { errorCode: string; key: string | null; bytes: number; valueBytes: number | undefined }[] = [];
let listener: Consumer;
const members: ProofWorker[] = [];

/** Resolves when `check` holds, polling every 100 ms; fails after `ms`. */
async function until(what: string, check: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: start a broker with `scripts/infra/kafka.sh start`');
  const artifacts = (await ensureCircuits(['s4'])).s4!;
  vkey = JSON.parse(readFileSync(artifacts.vkey, 'utf8')) as VerificationKey;
  kafka = new Kafka({ clientId: `prover-test-${run}`, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: topics.jobsTopic, numPartitions: 4, replicationFactor: 1 },
      { topic: topics.proofsTopic, numPartitions: 1, replicationFactor: 1 },
      { topic: topics.deadLetterTopic, numPartitions: 1, replicationFactor: 1 },
    ],
    waitForLeaders: true,
  });
  await admin.disconnect();

  listener = kafka.consumer({ groupId: `listener-${run}` });
  await listener.connect();
  await listener.subscribe({ topics: [topics.proofsTopic, topics.deadLetterTopic], fromBeginning: true });
  await listener.run({
    eachMessage: async ({ topic, message }) => {
      const value = JSON.parse(message.value!.toString()) as Record<string, unknown>;
      if (topic === topics.deadLetterTopic) {
        deadLetters.push({
          errorCode: String(value.errorCode),
          key: (value.key as string | null) ?? null,
          bytes: message.value!.length,
          valueBytes: value.valueBytes as number | undefined,
        });
        return;
      }
      const m = proofMessageSchema.parse(value);
      proofs.push({
        epoch: m.epoch,
        provedBy: m.provedBy,
        valid: await verifyAggregationProof(vkey, m.proof, m.publicSignals),
      });
    },
  });
  cleanup.push(() => listener.disconnect());
});

afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  await releaseSnarkjs();
});

async function produceJobs(epochs: number[], extra: { key: string; value: string }[] = []): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: topics.jobsTopic,
    messages: [
      ...epochs.map((e, i) => ({
        key: String(e),
        partition: i % 4,
        value: encodeProofJob({ v: 2, epoch: BigInt(e), shape: 's4', input: steps[e - 1]!.input }),
      })),
      ...extra,
    ],
  });
  await producer.disconnect();
}

function startWorker(workerId: string): ProofWorker {
  const prover = new Prover({ artifacts: circuitArtifacts('s4'), poolSize: 1 });
  const worker = new ProofWorker({
    kafka,
    provers: new Map([['s4', prover]]),
    groupId: `provers-${run}`,
    workerId,
    sessionTimeoutMs: 6_000,
    ...topics,
  });
  members.push(worker);
  cleanup.push(async () => {
    await worker.stop();
    await prover.close();
  });
  return worker;
}

it('a worker killed mid-proof leaves its job to another member of the group', async () => {
  // Worker A runs as a separate process (apps/prover) so that it can really die (SIGKILL, no goodbye to the group).
  // node itself (with tsx as a loader), not the .bin/tsx wrapper: a SIGKILL must hit the process that proves.
  const a: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot(), 'apps', 'prover', 'src', 'main.ts')],
    {
      cwd: repoRoot(),
      env: {
        ...process.env,
        PROVER_SHAPES: 's4',
        PROVER_GROUP_ID: `provers-${run}`,
        PROVER_ID: 'A',
        PROVER_SESSION_TIMEOUT_MS: '6000',
        PROVER_JOBS_TOPIC: topics.jobsTopic,
        PROVER_PROOFS_TOPIC: topics.proofsTopic,
        PROVER_DEAD_LETTER_TOPIC: topics.deadLetterTopic,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  cleanup.push(() => {
    a.kill('SIGKILL');
    return Promise.resolve();
  });
  let out = '';
  a.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await until('worker A to start', () => out.includes('started'));
  await produceJobs([1]);
  await until('worker A to start proving epoch 1', () => out.includes('proving epoch 1'));
  a.kill('SIGKILL');
  await new Promise((r) => a.once('exit', r));
  expect(out).not.toContain('proved epoch 1');

  const b = startWorker('B');
  await b.start();
  await until('epoch 1 to be proven by B', () => proofs.some((p) => p.epoch === 1n && p.provedBy === 'B'));
  expect(proofs.filter((p) => p.epoch === 1n).every((p) => p.valid)).toBe(true);
});

it('two members share the jobs, every proof verifies, invalid jobs are dead-lettered', async () => {
  await startWorker('C').start();
  // B (from the previous test) and C: wait until the group has split the 4 partitions between them.
  expect(members).toHaveLength(2);
  await until(
    'B and C to share the partitions',
    () => members.every((w) => w.assignedPartitions > 0) && members.reduce((n, w) => n + w.assignedPartitions, 0) === 4,
  );
  await produceJobs(
    [2, 3, 4, 5, 6],
    [
      { key: '99', value: 'not json' },
      // A v1 job (`instance`), a job with an unknown key, and a job of a shape no worker proves.
      { key: '98', value: JSON.stringify({ v: 1, epoch: '98', instance: 'test', input: {} }) },
      { key: '97', value: JSON.stringify({ v: 2, epoch: '97', shape: 's4', input: {}, extra: 1 }) },
      { key: '96', value: JSON.stringify({ v: 2, epoch: '96', shape: 'l64', input: {} }) },
    ],
  );
  await until('epochs 2..6 to be proven', () => [2n, 3n, 4n, 5n, 6n].every((e) => proofs.some((p) => p.epoch === e)));
  await until('four dead letters', () => deadLetters.length >= 4);
  expect(proofs.every((p) => p.valid)).toBe(true);
  expect(new Set(proofs.map((p) => p.provedBy))).toEqual(new Set(['B', 'C']));
  expect(deadLetters.map((d) => d.errorCode).sort()).toEqual([
    'MALFORMED_JSON',
    'SCHEMA_VIOLATION',
    'SCHEMA_VIOLATION',
    'WRONG_SHAPE',
  ]);
});

it('hostile job records are dead-lettered once each, bounded, and the job after them is proven', async () => {
  const before = { dead: deadLetters.length, epoch1: proofs.filter((p) => p.epoch === 1n).length };
  const producer = kafka.producer();
  await producer.connect();
  try {
    // Key 1: the same partition as the legitimate job below, so it queues behind every hostile record.
    const { overLimitRefused } = await sendHostileRecords(producer, topics.jobsTopic, '1');
    expect(overLimitRefused).toBe(true);
  } finally {
    await producer.disconnect();
  }
  const job = encodeProofJob({ v: 2, epoch: 1n, shape: 's4', input: steps[0]!.input });
  const again = kafka.producer();
  await again.connect();
  await again.send({ topic: topics.jobsTopic, messages: [{ key: '1', value: job }] });
  await again.disconnect();
  await until('epoch 1 proven again', () => proofs.filter((p) => p.epoch === 1n).length > before.epoch1);
  const hostile = hostileRecords();
  await until('a dead letter per hostile record', () => deadLetters.length >= before.dead + hostile.length);
  const letters = deadLetters.slice(before.dead);
  expect(letters).toHaveLength(hostile.length);
  expect(letters.map((d) => d.valueBytes)).toEqual(hostile.map((h) => h.value?.length ?? 0));
  for (const d of letters) {
    expect(['MALFORMED_JSON', 'SCHEMA_VIOLATION']).toContain(d.errorCode);
    expect(d.bytes).toBeLessThan(16_384);
  }
  expect(members.map((w) => w.status()?.state)).toEqual(['running', 'running']);
});
