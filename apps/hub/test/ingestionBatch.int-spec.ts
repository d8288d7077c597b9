import {
  KafkaProducerService,
  PrismaService,
  deadLetterRecordSchema,
  ensureTopics,
  type BootstrapHttpAppReturnType,
} from '@interop/infra';
import { createScratchDatabase, type ScratchDatabase } from '@interop/infra/prisma/createScratchDatabase';
import { ANVIL_PRIVATE_KEYS } from '@interop/infra/testing/anvil';
import { readTopic, type ReadRecord } from '@interop/infra/testing/kafkaReadTopic';
import { batchRootRecordToJson, interopHubDomain, type BatchRootCommitment } from '@interop/protocol';
import { batchRootDigester } from '@interop/protocol/eip712/batchRootDigest';
import secp256k1 from 'secp256k1';
import { bytesToHex, concatHex, hexToBytes, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { migrate } from '../../../scripts/migrate';
import { decodeBatchRootMessage } from '../src/ingestion/batchRootsConsumer';
import { BatchesRepository } from '../src/ingestion/batches.repository';
import { IngestionService } from '../src/ingestion/ingestion.service';
import { HubMetrics } from '../src/metrics/hubMetrics';
import { batch, createHubTestEnv, L1_CHAIN_ID, startTestHub, waitFor, type HubTestEnv } from './harness';

jest.setTimeout(300_000);

const KEYS = [ANVIL_PRIVATE_KEYS[1], ANVIL_PRIVATE_KEYS[2], ANVIL_PRIVATE_KEYS[3], ANVIL_PRIVATE_KEYS[4]] as const;
const EVIL = ANVIL_PRIVATE_KEYS[5];
// 921-923 active, 924 paused, 929 not registered.
const ACTIVE = [921n, 922n, 923n] as const;
const PAUSED = 924n;
const UNKNOWN = 929n;

/**
 * Batched ingestion on real Kafka and Postgres: records published before the hub starts reach it as large partition
 * batches (one transaction per batch); the resulting database state and dead letters must be exactly those of
 * ingesting the same records one by one (a batch of one each) into a second database.
 */
describe('batched ingestion (real Kafka, Postgres) = one-by-one ingestion', () => {
  let env: HubTestEnv;
  let hub: BootstrapHttpAppReturnType | undefined;
  let producer: KafkaProducerService;
  let batched: PrismaService;
  let oneByOneDb: ScratchDatabase;
  let oneByOne: PrismaService;

  beforeAll(async () => {
    env = await createHubTestEnv('batch', { AGGREGATOR_ENABLED: 'false', INGEST_MAX_BATCH: '75' });
    producer = new KafkaProducerService({ brokers: env.brokers, clientId: 'hub-batch-producer', fast: true });
    batched = new PrismaService({ databaseUrl: env.db.url, maxConnections: 2 });
    await batched.onModuleInit();
    oneByOneDb = await createScratchDatabase('it_hub_batch_one');
    await migrate(oneByOneDb.url, () => undefined);
    oneByOne = new PrismaService({ databaseUrl: oneByOneDb.url, maxConnections: 2 });
    await oneByOne.onModuleInit();
    for (const prisma of [batched, oneByOne]) {
      for (const [i, chainId] of [...ACTIVE, PAUSED].entries()) {
        await prisma.chain.create({
          data: {
            chainId,
            name: `batch-${chainId}`,
            operator: privateKeyToAccount(KEYS[i]!).address.toLowerCase(),
            slot: i,
            status: chainId === PAUSED ? 'paused' : 'active',
          },
        });
      }
    }
  }, 300_000);

  afterAll(async () => {
    await hub?.app.close();
    await producer?.close();
    await batched?.onModuleDestroy();
    await oneByOne?.onModuleDestroy();
    await oneByOneDb?.drop();
    await env?.close();
  });

  it('mixing valid, gap, duplicate, conflicting, equivocating, forged, unknown, paused and malformed records', async () => {
    const digest = batchRootDigester(interopHubDomain(BigInt(L1_CHAIN_ID), env.hubAddress));
    const sign = (key: Hex, c: BatchRootCommitment): string => {
      const { signature, recid } = secp256k1.ecdsaSign(digest(c), hexToBytes(key));
      return batchRootRecordToJson({
        ...c,
        signature: concatHex([bytesToHex(signature), recid === 0 ? '0x1b' : '0x1c']),
      });
    };
    const records: Array<{ key: string; value: string }> = [];
    const add = (chainId: bigint, value: string): void => {
      records.push({ key: chainId.toString(), value });
    };
    const keyOf = (chainId: bigint): Hex => KEYS[[...ACTIVE, PAUSED].indexOf(chainId)] ?? EVIL;
    // Chain 921: 0..59 in order with every 7th duplicated, then 62..69 (a gap), then 60, 61 (the gap fills).
    for (let n = 0n; n < 60n; n++) {
      add(921n, sign(keyOf(921n), batch(921n, n)));
      if (n % 7n === 0n) add(921n, sign(keyOf(921n), batch(921n, n)));
    }
    for (let n = 62n; n < 70n; n++) add(921n, sign(keyOf(921n), batch(921n, n)));
    add(921n, sign(keyOf(921n), batch(921n, 60n)));
    add(921n, '{"v":1,"chainId":'); // not JSON
    add(921n, JSON.stringify({ v: 1, chainId: '921' })); // not a record
    add(921n, sign(keyOf(921n), batch(921n, 61n)));
    add(921n, sign(keyOf(921n), { ...batch(921n, 3n), messageCount: 9 })); // conflict, not an equivocation
    // Chain 922: 0..39, a forged record, then another root for 20 (equivocation), then everything is refused.
    for (let n = 0n; n < 40n; n++) add(922n, sign(keyOf(922n), batch(922n, n)));
    add(922n, sign(EVIL, batch(922n, 40n)));
    add(922n, sign(keyOf(922n), batch(922n, 20n, 7)));
    for (let n = 40n; n < 50n; n++) add(922n, sign(keyOf(922n), batch(922n, n)));
    // Chain 923: only held batches (0 never arrives), one duplicated.
    for (let n = 1n; n < 30n; n++) add(923n, sign(keyOf(923n), batch(923n, n)));
    add(923n, sign(keyOf(923n), batch(923n, 5n)));
    // A paused and an unknown chain.
    for (let n = 0n; n < 5n; n++) add(PAUSED, sign(keyOf(PAUSED), batch(PAUSED, n)));
    for (let n = 0n; n < 5n; n++) add(UNKNOWN, sign(EVIL, batch(UNKNOWN, n)));
    // Interleave the chains (per-chain order kept) so that partitions carry mixed batches.
    const byChain = new Map<string, Array<{ key: string; value: string }>>();
    for (const r of records) byChain.set(r.key, [...(byChain.get(r.key) ?? []), r]);
    const interleaved: Array<{ key: string; value: string }> = [];
    for (let i = 0; interleaved.length < records.length; i++) {
      for (const list of byChain.values()) {
        const r = list[i];
        if (r) interleaved.push(r);
      }
    }

    // All published before the hub starts: the consumer gets them as large batches.
    await ensureTopics(env.brokers, [{ topic: env.config.TOPIC_BATCH_ROOTS }, { topic: env.config.TOPIC_DEAD_LETTER }]);
    for (const r of interleaved) await producer.send(env.config.TOPIC_BATCH_ROOTS, r.key, r.value);
    const published = await readTopic({
      brokers: env.brokers,
      topic: env.config.TOPIC_BATCH_ROOTS,
      until: (r) => r.length >= interleaved.length,
    });
    hub = await startTestHub(env);
    await waitFor(
      'every partition checkpointed at its last record',
      async () => {
        const rows = await batched.consumerCheckpoint.findMany({ where: { consumer: env.config.KAFKA_GROUP_ID } });
        const last = lastOffsets(published);
        return [...last].every(([p, o]) => rows.some((c) => c.partition === p && c.offset === o)) ? true : undefined;
      },
      120_000,
    );

    // The same records one by one into the second database, in each partition's order.
    const ingestion = new IngestionService(new BatchesRepository(oneByOne), new HubMetrics(), env.config);
    const letters: string[] = [];
    for (const r of [...published].sort(
      (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
    )) {
      const source = {
        consumer: env.config.KAFKA_GROUP_ID,
        topic: env.config.TOPIC_BATCH_ROOTS,
        partition: r.partition,
      };
      await ingestion.ingestBatch(source, [decodeBatchRootMessage(r)], (rejections) => {
        letters.push(...rejections.map((x) => `${r.partition}/${x.offset}/${x.code}`));
        return Promise.resolve();
      });
    }

    const dead = await readTopic({
      brokers: env.brokers,
      topic: env.config.TOPIC_DEAD_LETTER,
      until: (r) => r.length >= letters.length,
    });
    const batchedLetters = dead.map((r) => {
      const d = deadLetterRecordSchema.parse(JSON.parse(r.value!.toString()));
      return `${d.partition}/${d.offset}/${d.errorCode}`;
    });
    expect(new Set(batchedLetters)).toEqual(new Set(letters));
    expect(letters.map((l) => l.split('/')[2]).sort()).toEqual(
      [
        'MALFORMED_JSON',
        'SCHEMA_VIOLATION',
        'BATCH_CONFLICT',
        'SIGNATURE_INVALID',
        'EQUIVOCATION',
        ...Array<string>(10).fill('CHAIN_FLAGGED'),
        ...Array<string>(5).fill('CHAIN_PAUSED'),
        ...Array<string>(5).fill('CHAIN_UNKNOWN'),
      ].sort(),
    );

    const state = async (prisma: PrismaService) => ({
      batches: (await prisma.batch.findMany({ orderBy: [{ chainId: 'asc' }, { batchNumber: 'asc' }] })).map(
        ({ chainId, batchNumber, batchRoot, messageCount, firstBlock, lastBlock, signature, status }) => ({
          chainId,
          batchNumber,
          batchRoot,
          messageCount,
          firstBlock,
          lastBlock,
          signature,
          status,
        }),
      ),
      chains: (await prisma.chain.findMany({ orderBy: { chainId: 'asc' } })).map((c) => [c.chainId, c.status]),
      equivocations: (await prisma.equivocation.findMany()).map((e) => [
        e.chainId,
        e.batchNumber,
        e.firstRoot,
        e.secondRoot,
      ]),
      checkpoints: (await prisma.consumerCheckpoint.findMany({ orderBy: { partition: 'asc' } })).map((c) => [
        c.partition,
        c.offset,
      ]),
    });
    const [a, b] = [await state(batched), await state(oneByOne)];
    expect(a).toEqual(b);
    // And the state itself is the one the rules give.
    const numbers = (chainId: bigint, status: string) =>
      a.batches.filter((x) => x.chainId === chainId && x.status === status).map((x) => Number(x.batchNumber));
    expect(numbers(921n, 'received')).toEqual(Array.from({ length: 70 }, (_, i) => i));
    expect(numbers(922n, 'received')).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(numbers(923n, 'held')).toEqual(Array.from({ length: 29 }, (_, i) => i + 1));
    expect(a.chains).toEqual([
      [921n, 'active'],
      [922n, 'flagged'],
      [923n, 'active'],
      [924n, 'paused'],
    ]);
    expect(a.equivocations).toEqual([[922n, 20n, batch(922n, 20n).batchRoot, batch(922n, 20n, 7).batchRoot]]);
  });
});

function lastOffsets(records: readonly ReadRecord[]): Map<number, bigint> {
  const last = new Map<number, bigint>();
  for (const r of records) {
    const o = BigInt(r.offset);
    if ((last.get(r.partition) ?? -1n) < o) last.set(r.partition, o);
  }
  return last;
}
