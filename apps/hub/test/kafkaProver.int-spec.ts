import { interopHubAbi } from '@interop/contracts';
import {
  createKafkaClient,
  deadLetterRecordSchema,
  KafkaProducerService,
  PrismaService,
  type BootstrapHttpAppReturnType,
} from '@interop/infra';
import { ANVIL_PRIVATE_KEYS } from '@interop/infra/testing/anvil';
import { uniqueKafkaName } from '@interop/infra/testing/kafkaNames';
import { readTopic } from '@interop/infra/testing/kafkaReadTopic';
import {
  circuitArtifacts,
  encodeProofMessage,
  proofMessageSchema,
  ProofWorker,
  Prover,
  type ProofMessage,
} from '@interop/prover';
import { releaseSnarkjs } from '@interop/prover/testing/releaseSnarkjs';
import { AggregationState, PRODUCTION_DEPTHS, fieldToBytes32, type BatchRootCommitment } from '@interop/protocol';
import { logLevel } from 'kafkajs';

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

jest.setTimeout(420_000);

const [, KEY_A, KEY_B] = ANVIL_PRIVATE_KEYS;
const A = 901n;
const B = 902n;
const WORKER_IDS = ['prover-1', 'prover-2'] as const;

/**
 * PROVER_MODE=kafka end to end: the hub publishes each epoch's job to its proof-jobs topic, two libs/prover
 * ProofWorkers (one consumer group, each with its own Prover) prove them onto the proofs topic, and the hub settles
 * the epochs on L1 with the roots computed here independently. A duplicate proof of a settled epoch changes nothing,
 * and malformed records on the proofs topic are dead-lettered and do not stop the hub.
 */
describe('hub with PROVER_MODE=kafka and two ProofWorkers (real Kafka, Postgres, anvil, Groth16)', () => {
  let env: HubTestEnv;
  let hub: BootstrapHttpAppReturnType | undefined;
  let producer: KafkaProducerService;
  let prisma: PrismaService;
  const workers: { worker: ProofWorker; provers: Prover[] }[] = [];
  const produced: ProofMessage[] = [];
  const expected = new AggregationState(PRODUCTION_DEPTHS);
  const slots = new Map<bigint, number>();

  const url = (path: string): string => `${hub!.url}${path}`;
  const publishBatch = async (key: `0x${string}`, b: BatchRootCommitment): Promise<void> => {
    await producer.send(env.config.TOPIC_BATCH_ROOTS, b.chainId.toString(), await signedBatchRoot(env, key, b));
  };
  const l1Epoch = () =>
    env.publicClient.readContract({ address: env.hubAddress, abi: interopHubAbi, functionName: 'epoch' });
  const l1RootAt = (epoch: bigint) =>
    env.publicClient.readContract({
      address: env.hubAddress,
      abi: interopHubAbi,
      functionName: 'rootAt',
      args: [epoch],
    });
  const expectApplied = (...batches: BatchRootCommitment[]): string => {
    for (const b of batches) {
      expected.apply(
        [{ slot: slots.get(b.chainId)!, chainId: b.chainId, batchNumber: b.batchNumber, batchRoot: b.batchRoot }],
        1,
      );
    }
    return fieldToBytes32(expected.sharedRoot);
  };
  /** The settled and published epoch whose root is `root` (the hub decides how batches split into epochs). */
  const settledWithRoot = (root: string) =>
    waitFor(`the epoch with root ${root} settled and published`, async () => {
      const e = await prisma.epoch.findFirst({ where: { root, status: 'settled', publishedAt: { not: null } } });
      return e ?? undefined;
    });
  const proofsOnTopic = async (until: (m: ProofMessage[]) => boolean): Promise<ProofMessage[]> => {
    const parse = (values: readonly { value: Buffer | null }[]): ProofMessage[] =>
      values.flatMap((r) => {
        const p = proofMessageSchema.safeParse(safeJson(r.value?.toString() ?? ''));
        return p.success ? [p.data] : [];
      });
    const records = await readTopic({
      brokers: env.brokers,
      topic: env.config.TOPIC_PROOFS,
      until: (r) => until(parse(r)),
    });
    return parse(records);
  };

  beforeAll(async () => {
    // Two epochs proved at once: the hub hands out up to two jobs (one per worker).
    env = await createHubTestEnv('kprover', { PROVER_MODE: 'kafka', PROVER_WORKERS: '2' });
    producer = new KafkaProducerService({ brokers: env.brokers, clientId: 'hub-kprover-producer', fast: true });
    prisma = new PrismaService({ databaseUrl: env.db.url, maxConnections: 2 });
    await prisma.onModuleInit();
    hub = await startTestHub(env); // creates the proof-jobs / proofs topics (3 partitions each)

    const kafka = createKafkaClient({
      brokers: env.brokers,
      clientId: 'hub-kprover-workers',
      fast: true,
      logLevel: logLevel.NOTHING, // rebalance heartbeats are expected noise
    });
    const groupId = uniqueKafkaName('test.hub.kprover.provers');
    for (const workerId of WORKER_IDS) {
      const prover = new Prover({ artifacts: circuitArtifacts('s4'), poolSize: 1 });
      const l32 = new Prover({ artifacts: circuitArtifacts('l32'), poolSize: 1 });
      const worker = new ProofWorker({
        kafka,
        provers: new Map([
          ['s4', prover],
          ['l32', l32],
        ]),
        groupId,
        workerId,
        sessionTimeoutMs: 6_000,
        jobsTopic: env.config.TOPIC_PROOF_JOBS,
        proofsTopic: env.config.TOPIC_PROOFS,
        deadLetterTopic: env.config.TOPIC_DEAD_LETTER,
        onProof: (m) => produced.push(m),
      });
      workers.push({ worker, provers: [prover, l32] });
      await worker.start();
    }
    // Both members hold job partitions before the first job: the group has settled.
    await waitFor('the two workers to share the 3 job partitions', () =>
      Promise.resolve(
        workers.every((w) => w.worker.assignedPartitions > 0) &&
          workers.reduce((n, w) => n + w.worker.assignedPartitions, 0) === 3
          ? true
          : undefined,
      ),
    );
  }, 120_000);

  afterAll(async () => {
    await hub?.app.close();
    for (const { worker, provers } of workers) {
      await worker.stop().catch(() => undefined);
      for (const p of provers) await p.close().catch(() => undefined);
    }
    await producer?.close();
    await prisma?.onModuleDestroy();
    await env?.close();
    await releaseSnarkjs();
  });

  it('registers two chains on L1', async () => {
    for (const [i, [chainId, name, key]] of (
      [
        [A, 'alpha', KEY_A],
        [B, 'beta', KEY_B],
      ] as const
    ).entries()) {
      expect((await http_('POST', url('/chains'), await registrationBody(env, chainId, name, key))).status).toBe(201);
      const approved = await http_('POST', url(`/chains/${chainId}/approve`), undefined, ADMIN_TOKEN);
      expect(approved.body).toMatchObject({ status: 'active', slot: i });
      slots.set(chainId, i);
    }
  });

  it('settles epochs with proofs made by the workers over Kafka', async () => {
    await publishBatch(KEY_A, batch(A, 0n));
    await publishBatch(KEY_B, batch(B, 0n));
    const root = expectApplied(batch(A, 0n), batch(B, 0n));

    const settled = await settledWithRoot(root);
    expect(await l1Epoch()).toBe(settled.number);
    expect(await l1RootAt(settled.number)).toBe(root);

    const proofs = await proofsOnTopic((m) => m.some((p) => p.epoch === settled.number));
    const mine = proofs.filter((p) => p.epoch === settled.number);
    expect(mine.length).toBeGreaterThanOrEqual(1);
    for (const p of mine) expect(WORKER_IDS).toContain(p.provedBy);
    // The proof the hub stored is one a worker published, on the epoch's own public signals.
    expect(mine.map((p) => p.publicSignals)).toContainEqual(settled.publicSignals);
    expect(mine.map((p) => p.proof)).toContainEqual(settled.proof);
    // [dataCommitment, challenge, evaluation] of the epoch's own data.
    expect((settled.publicSignals as string[])[0]).toBe(BigInt(settled.dataCommitment).toString());
  });

  it('ignores a duplicate proof, dead-letters malformed proof records, and keeps settling epochs', async () => {
    const before = await prisma.epoch.findUnique({ where: { number: 1n } });
    const [first] = (await proofsOnTopic((m) => m.some((p) => p.epoch === 1n))).filter((p) => p.epoch === 1n);
    // A second proof of the settled epoch 1 (as if two workers had proven it), then two bad records (a v1 record
    // that is not even JSON, and one with a bad proof).
    await producer.send(env.config.TOPIC_PROOFS, '1', encodeProofMessage({ ...first!, provedBy: 'duplicate' }));
    await producer.send(env.config.TOPIC_PROOFS, '1', '{"v":1,"epoch":');
    await producer.send(env.config.TOPIC_PROOFS, '2', JSON.stringify({ v: 1, epoch: '2', proof: 'nope' }));

    await publishBatch(KEY_A, batch(A, 1n));
    await publishBatch(KEY_B, batch(B, 1n));
    const root = expectApplied(batch(A, 1n), batch(B, 1n));
    const settled = await settledWithRoot(root);
    expect(await l1RootAt(settled.number)).toBe(root);

    const proofs = await proofsOnTopic((m) => m.some((p) => p.epoch === settled.number && p.provedBy !== 'duplicate'));
    const byWorker = proofs.filter((p) => p.epoch === settled.number && p.provedBy !== 'duplicate');
    for (const p of byWorker) expect(WORKER_IDS).toContain(p.provedBy);
    expect(byWorker.map((p) => p.proof)).toContainEqual(settled.proof);

    // The hub's proofs consumer has read past every record of the topic (duplicate and bad ones included).
    await waitFor('the hub to consume the whole proofs topic', async () => {
      const admin = createKafkaClient({ brokers: env.brokers, clientId: 'hub-kprover-admin', fast: true }).admin();
      await admin.connect();
      try {
        const ends = await admin.fetchTopicOffsets(env.config.TOPIC_PROOFS);
        const total = ends.reduce((n, o) => n + BigInt(o.offset), 0n);
        const { groups } = await admin.listGroups();
        const hubGroup = groups.find((g) => g.groupId.startsWith(`${env.config.KAFKA_GROUP_ID}.proofs.`));
        if (!hubGroup) return undefined;
        const [committed] = await admin.fetchOffsets({
          groupId: hubGroup.groupId,
          topics: [env.config.TOPIC_PROOFS],
        });
        const read = committed!.partitions.reduce((n, p) => n + (BigInt(p.offset) > 0n ? BigInt(p.offset) : 0n), 0n);
        return read === total ? true : undefined;
      } finally {
        await admin.disconnect();
      }
    });

    // The two records that are not proof messages are dead-lettered with their reasons; the duplicate is not.
    const isBadProof = (r: { value: Buffer | null }) => {
      const d = deadLetterRecordSchema.safeParse(safeJson(r.value?.toString() ?? ''));
      return d.success && d.data.sourceTopic === env.config.TOPIC_PROOFS ? [d.data] : [];
    };
    const dead = (
      await readTopic({
        brokers: env.brokers,
        topic: env.config.TOPIC_DEAD_LETTER,
        until: (r) => r.flatMap(isBadProof).length >= 2,
      })
    ).flatMap(isBadProof);
    expect(dead.map((d) => d.errorCode).sort()).toEqual(['MALFORMED_JSON', 'SCHEMA_VIOLATION']);
    expect(dead.find((d) => d.errorCode === 'SCHEMA_VIOLATION')?.reason).toMatch(/proof/);

    // Nothing changed for the duplicate: the same epochs on L1 and in the database, epoch 1 untouched.
    expect(await l1Epoch()).toBe(settled.number);
    expect(await prisma.epoch.count()).toBe(Number(settled.number));
    expect(await prisma.epoch.findUnique({ where: { number: 1n } })).toEqual(before);
    expect(await prisma.batch.count({ where: { status: 'aggregated' } })).toBe(4);
    expect(await l1RootAt(1n)).toBe(before!.root);

    // Which worker proved each epoch (the group shares the job partitions; both may or may not be used).
    const provers = Array.from({ length: Number(settled.number) }, (_, i) => BigInt(i + 1)).map(
      (e) =>
        `epoch ${e}: ${produced
          .filter((p) => p.epoch === e)
          .map((p) => p.provedBy)
          .join(',')}`,
    );
    process.stdout.write(`[kafkaProver] ${provers.join('; ')}\n`);
    expect(produced.filter((p) => p.epoch <= settled.number).length).toBeGreaterThanOrEqual(Number(settled.number));
  });
});

/** JSON.parse that yields undefined for text that is not JSON (the proofs topic holds bad records on purpose). */
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
