import { ConsumerRegistry, createKafkaClient, deadLetterRecordSchema, KafkaProducerService } from '@interop/infra';
import type { BootstrapHttpAppReturnType, DeadLetterRecord } from '@interop/infra';
import { PrismaService } from '@interop/infra';
import { ANVIL_PRIVATE_KEYS } from '@interop/infra/testing/anvil';
import { hostileRecords, sendHostileRecords } from '@interop/infra/testing/hostileRecords';
import { readTopic } from '@interop/infra/testing/kafkaReadTopic';
import { encodeProofMessage, type CircuitInput } from '@interop/prover';
import { logLevel, type Producer } from 'kafkajs';

import { KafkaProofProvider } from '../src/epochs/kafkaProofProvider';
import {
  ADMIN_TOKEN,
  batch,
  createHubTestEnv,
  http_,
  registrationBody,
  signedBatchRoot,
  startTestHub,
  waitFor,
  type HubTestEnv,
} from './harness';

jest.setTimeout(300_000);

const [, KEY_A] = ANVIL_PRIVATE_KEYS;
const A = 901n;

/** The dead letters of `sourceTopic` once there are at least `count`. */
async function deadLetters(env: HubTestEnv, sourceTopic: string, count: number): Promise<DeadLetterRecord[]> {
  const of = (records: readonly { value: Buffer | null }[]) =>
    records
      .map((r) => deadLetterRecordSchema.parse(JSON.parse(r.value!.toString())))
      .filter((d) => d.sourceTopic === sourceTopic);
  return of(
    await readTopic({ brokers: env.brokers, topic: env.config.TOPIC_DEAD_LETTER, until: (r) => of(r).length >= count }),
  );
}

/** Every dead letter is small whatever it quotes, and names the value it stands for by size and hash. */
function expectBounded(letters: readonly DeadLetterRecord[]): void {
  const expected = hostileRecords();
  expect(letters).toHaveLength(expected.length);
  for (const [i, d] of letters.entries()) {
    expect(JSON.stringify(d).length).toBeLessThan(16_384);
    expect(d.valueBytes).toBe(expected[i]!.value?.length ?? 0);
    expect(['MALFORMED_JSON', 'SCHEMA_VIOLATION']).toContain(d.errorCode);
  }
  expect(letters.find((d) => d.valueBytes! > 1_000_000)?.valueTruncated).toBe(true);
}

/**
 * No record stops the hub's consumers (issue #17): a 900 KB batch-roots record once crashed the hub's consumer for
 * good, because its dead letter quoted the whole value and the broker refused it. Every hostile value is
 * dead-lettered once (bounded), the legitimate record after them is processed, and `/health` stays up.
 */
describe('hub consumers and hostile records (real Kafka, Postgres, anvil)', () => {
  let env: HubTestEnv;
  let hub: BootstrapHttpAppReturnType | undefined;
  let prisma: PrismaService;
  let raw: Producer;

  beforeAll(async () => {
    // No aggregation: this suite is about the consumers, not epochs.
    env = await createHubTestEnv('hostile', { AGGREGATOR_ENABLED: 'false' });
    prisma = new PrismaService({ databaseUrl: env.db.url, maxConnections: 2 });
    await prisma.onModuleInit();
    hub = await startTestHub(env);
    const kafka = createKafkaClient({
      brokers: env.brokers,
      clientId: 'hostile',
      fast: true,
      logLevel: logLevel.NOTHING,
    });
    raw = kafka.producer({ allowAutoTopicCreation: false });
    await raw.connect();
  }, 300_000);

  afterAll(async () => {
    await raw?.disconnect();
    await hub?.app.close();
    await prisma?.onModuleDestroy();
    await env?.close();
  });

  it('batch roots: every hostile record dead-lettered once, bounded; the next batch root ingested; health up', async () => {
    const url = (p: string) => `${hub!.url}${p}`;
    expect((await http_('POST', url('/chains'), await registrationBody(env, A, 'alpha', KEY_A))).status).toBe(201);
    expect((await http_('POST', url(`/chains/${A}/approve`), undefined, ADMIN_TOKEN)).body).toMatchObject({
      status: 'active',
    });

    const { overLimitRefused } = await sendHostileRecords(raw, env.config.TOPIC_BATCH_ROOTS, A.toString());
    expect(overLimitRefused).toBe(true);
    await raw.send({
      topic: env.config.TOPIC_BATCH_ROOTS,
      messages: [{ key: A.toString(), value: await signedBatchRoot(env, KEY_A, batch(A, 0n)) }],
    });
    await waitFor(
      'batch A#0 ingested after the hostile records',
      async () =>
        (await prisma.batch.findUnique({ where: { chainId_batchNumber: { chainId: A, batchNumber: 0n } } })) ??
        undefined,
    );
    expectBounded(await deadLetters(env, env.config.TOPIC_BATCH_ROOTS, hostileRecords().length));

    const health = await http_('GET', url('/health'));
    expect(health.status).toBe(200);
    expect(health.body.checks['kafka-consumers']).toMatchObject({
      status: 'up',
      details: { 'hub.batch-roots': { state: 'running', restarts: 0, deadLettersDropped: 0 } },
    });
  });

  it('proofs (PROVER_MODE=kafka): hostile records dead-lettered, the matching proof still taken', async () => {
    const producer = new KafkaProducerService({ brokers: env.brokers, clientId: 'hostile-proofs', fast: true });
    const registry = new ConsumerRegistry();
    const provider = new KafkaProofProvider(producer, registry, {
      brokers: env.config.KAFKA_BROKERS,
      groupId: `${env.config.KAFKA_GROUP_ID}.direct`,
      capacity: 1,
      jobsTopic: env.config.TOPIC_PROOF_JOBS,
      proofsTopic: env.config.TOPIC_PROOFS,
      deadLetterTopic: env.config.TOPIC_DEAD_LETTER,
      timeoutMs: 120_000,
      fast: true,
    });
    try {
      const input = { dataCommitment: '11', challenge: '22', evaluation: '33' } as CircuitInput;
      const proving = provider.prove(7n, 's4', input);
      // The job is on its topic once the provider's consumer runs: only then do records reach it.
      await readTopic({ brokers: env.brokers, topic: env.config.TOPIC_PROOF_JOBS, until: (r) => r.length >= 1 });
      await waitFor('the proofs consumer running', () =>
        Promise.resolve(registry.statuses().find((s) => s.state === 'running') ? true : undefined),
      );
      const { overLimitRefused } = await sendHostileRecords(raw, env.config.TOPIC_PROOFS, '7');
      expect(overLimitRefused).toBe(true);
      const proof = { pi_a: ['1'], pi_b: [['2']], pi_c: ['3'], protocol: 'groth16', curve: 'bn128' };
      await producer.send(
        env.config.TOPIC_PROOFS,
        '7',
        encodeProofMessage({ v: 2, epoch: 7n, proof, publicSignals: ['11', '22', '33'], provedBy: 'test', ms: 1 }),
      );
      await expect(proving).resolves.toMatchObject({ proof, publicSignals: ['11', '22', '33'] });
      expectBounded(await deadLetters(env, env.config.TOPIC_PROOFS, hostileRecords().length));
      expect(registry.statuses()).toEqual([
        expect.objectContaining({ name: 'hub.proofs', state: 'running', restarts: 0, deadLettersDropped: 0 }),
      ]);
    } finally {
      await provider.close();
      await producer.close();
    }
  });
});
