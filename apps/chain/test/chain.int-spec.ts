import { createServer } from 'node:net';

import { ensureTopics, PrismaService } from '@interop/infra';
import {
  buildBatchTree,
  interopHubDomain,
  messageLeaf,
  recoverBatchRootSigner,
  type BatchRootRecord,
  type MessageRecord,
} from '@interop/protocol';
import type { INestApplication } from '@nestjs/common';
import { toHex, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { migrate } from '../../../scripts/migrate';
import { startTestChain, type TestChain } from '../../../contracts/test/helpers/testChain';
import { ANVIL_PRIVATE_KEYS } from '../../../libs/infra/src/testing/anvil';
import { requireKafkaBrokers } from '../../../libs/infra/src/testing/kafkaBrokers';
import { uniqueKafkaName } from '../../../libs/infra/src/testing/kafkaNames';
import { createScratchDatabase, type ScratchDatabase } from '../../../libs/infra/src/prisma/createScratchDatabase';
import type { DeployL2StackReturnType } from '@interop/contracts';
import {
  anvilTestClient,
  bridgeToken,
  chainConfig,
  deployStack,
  mine,
  readMessageRecords,
  readRootRecords,
  sendMessage,
  startChainApp,
  waitFor,
  httpGet,
} from './support/harness';

jest.setTimeout(180_000);

const OPERATOR_KEY = ANVIL_PRIVATE_KEYS[1];
const OPERATOR = privateKeyToAccount(OPERATOR_KEY).address;
// Only the EIP-712 domain uses it here (the root importer has its own test with a real InteropHub).
const HUB = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const DST = 902n;

/** The records of one batch, with the root recomputed from its message records alone. */
function checkBatch(root: BatchRootRecord, messages: MessageRecord[]): Hex[] {
  // A re-publish after a crash repeats records (identical ones, checked by the crash test): consumers keep one per leaf.
  const byLeaf = new Map<number, MessageRecord>();
  for (const m of messages)
    if (m.batchNumber === root.batchNumber && !byLeaf.has(m.leafIndex)) byLeaf.set(m.leafIndex, m);
  const mine = [...byLeaf.values()].sort((a, b) => a.leafIndex - b.leafIndex);
  expect(mine.map((m) => m.leafIndex)).toEqual(mine.map((_, i) => i));
  expect(mine).toHaveLength(root.messageCount);
  const leaves = mine.map((m) => messageLeaf(m.message));
  expect(buildBatchTree(leaves).root).toBe(root.batchRoot);
  for (const m of mine) expect(m.batchRoot).toBe(root.batchRoot);
  return leaves;
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

describe('chain app on anvil, Kafka and Postgres', () => {
  const brokers = requireKafkaBrokers();
  let l2: TestChain;
  let l1: TestChain;
  let stack: DeployL2StackReturnType;
  const apps: INestApplication[] = [];
  const dbs: ScratchDatabase[] = [];

  beforeAll(async () => {
    [l2, l1] = await Promise.all([startTestChain(901), startTestChain(900)]);
    stack = await deployStack(l2, DST);
  });

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    for (const db of dbs) await db.drop().catch(() => undefined);
    await Promise.all([l2?.stop(), l1?.stop()]);
  });

  /** A fresh database and topics; the app starts at the next block so earlier tests' messages are not its own. */
  async function environment(overrides: Record<string, string> = {}) {
    const db = await createScratchDatabase('chain_it');
    dbs.push(db);
    await migrate(db.url);
    const topics = { roots: uniqueKafkaName('test.chain.roots'), messages: uniqueKafkaName('test.chain.messages') };
    const env = {
      CHAIN_ID: '901',
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_BATCH_ROOTS: topics.roots,
      KAFKA_TOPIC_MESSAGES: topics.messages,
      KAFKA_SEND_TIMEOUT_MS: '3000',
      L2_RPC_URL: l2.anvil.rpcUrl,
      L1_RPC_URL: l1.anvil.rpcUrl,
      L1_CHAIN_ID: '900',
      L1_HUB_ADDRESS: HUB,
      INTEROP_CENTER_ADDRESS: stack.center,
      INTEROP_HANDLER_ADDRESS: stack.handler,
      OPERATOR_PRIVATE_KEY: OPERATOR_KEY,
      CONFIRMATIONS: '2',
      BATCH_INTERVAL_MS: '60000',
      BATCH_MAX_MESSAGES: '3',
      POLL_INTERVAL_MS: '200',
      START_BLOCK: String((await l2.publicClient.getBlockNumber()) + 1n),
      ROOT_IMPORTER_ENABLED: 'false',
      ...overrides,
    };
    const start = async (extra: Record<string, string> = {}) => {
      const app = await startChainApp(chainConfig({ ...env, ...extra }));
      apps.push(app);
      return app;
    };
    return { db, topics, env, start };
  }

  it('seals sent messages and a token bridge into a signed batch whose root the records reproduce', async () => {
    const { topics, start } = await environment();
    await ensureTopics(brokers, [topics.roots, topics.messages]);
    const app = await start();
    const sent = [
      await sendMessage(l2, stack.center, 2, DST, '0x01'),
      await bridgeToken(l2, stack, 3, DST, 1_000n),
      await sendMessage(l2, stack.center, 4, DST, '0x0203'),
    ];
    await mine(l2, 2);

    const roots = await readRootRecords(brokers, topics.roots, (r) => r.length >= 1);
    const messages = await readMessageRecords(brokers, topics.messages, (r) => r.length >= 3);
    const [root] = roots.records;
    expect(root).toMatchObject({ chainId: 901n, batchNumber: 0n, messageCount: 3 });
    expect(checkBatch(root!, messages.records)).toEqual(sent);
    expect(messages.records.map((m) => m.message.kind)).toEqual([0, 1, 0]);
    expect(await recoverBatchRootSigner(interopHubDomain(900n, HUB), root!, root!.signature)).toBe(OPERATOR);
    expect(root!.firstBlock).toBe(messages.records[0]!.blockNumber);
    expect(root!.lastBlock).toBe(messages.records[2]!.blockNumber);

    const prisma = app.get(PrismaService);
    const rows = await prisma.chainMessage.findMany({ where: { chainId: 901n }, orderBy: { leafIndex: 'asc' } });
    expect(rows.map((r) => [r.messageId, r.status, r.batchNumber, r.leafIndex])).toEqual(
      sent.map((id, i) => [id, 'batched', 0n, i]),
    );
    const batch = await waitFor('batch 0 marked published', async () => {
      const b = await prisma.sealedBatch.findFirst({ where: { chainId: 901n, batchNumber: 0n } });
      return b?.publishedAt ? b : undefined;
    });
    expect(batch.batchRoot).toBe(root!.batchRoot);

    const health = await httpGet(app, '/health');
    const pipeline = (health.body as { checks: Record<string, { status: string; details: Record<string, string> }> })
      .checks.pipeline!;
    expect(pipeline).toMatchObject({
      status: 'up',
      details: { lastSealedBatch: '0', lastSealedBlock: root!.lastBlock.toString() },
    });
    expect(BigInt(pipeline.details.lagBlocks!)).toBeGreaterThanOrEqual(2n);
    const metrics = await httpGet(app, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/chain_batches_sealed_total\{chain_id="901"\} 1/);
    expect(metrics.text).toMatch(/chain_messages_seen_total\{chain_id="901"\} 3/);
    await app.close();
  });

  it('after a crash between sealing and publishing, publishes the very batch it sealed, then continues', async () => {
    const { topics, start } = await environment({ BATCH_MAX_MESSAGES: '1' });
    await ensureTopics(brokers, [topics.roots, topics.messages]);
    // Run 1: Kafka unreachable. Batch 0 is sealed and signed (in the outbox) but never acknowledged.
    const first = await start({ KAFKA_BROKERS: `127.0.0.1:${await closedPort()}` });
    const m0 = await sendMessage(l2, stack.center, 3, DST, '0xaa');
    await mine(l2, 2);
    const sealedBefore = await waitFor('a failed publish of batch 0', async () => {
      const b = await first.get(PrismaService).sealedBatch.findFirst({ where: { chainId: 901n, batchNumber: 0n } });
      return b && b.publishAttempts > 0 ? b : undefined;
    });
    expect(sealedBefore.publishedAt).toBeNull();
    await first.close();

    // Run 2: Kafka is back. The outbox goes out first, then new batches continue the numbering.
    const second = await start();
    const m1 = await sendMessage(l2, stack.center, 4, DST, '0xbb');
    await mine(l2, 2);
    const roots = await readRootRecords(brokers, topics.roots, (r) => r.length >= 2);
    const messages = await readMessageRecords(brokers, topics.messages, (r) => r.some((m) => m.batchNumber === 1n));
    expect(roots.records.map((r) => r.batchNumber)).toEqual([0n, 1n]);
    expect(roots.records[0]).toMatchObject({ batchRoot: sealedBefore.batchRoot, signature: sealedBefore.signature });
    expect(checkBatch(roots.records[0]!, messages.records)).toEqual([m0]);
    expect(checkBatch(roots.records[1]!, messages.records)).toEqual([m1]);
    const prisma = second.get(PrismaService);
    await waitFor('both batches marked published', async () =>
      (await prisma.sealedBatch.count({ where: { chainId: 901n, publishedAt: null } })) === 0 ? true : undefined,
    );
    const rows = await prisma.sealedBatch.findMany({ where: { chainId: 901n }, orderBy: { batchNumber: 'asc' } });
    expect(rows.map((r) => r.batchNumber)).toEqual([0n, 1n]);
    await second.close();
  });

  it('a reorg before confirmation replaces the unconfirmed messages in the batch', async () => {
    const { topics, start } = await environment({ CONFIRMATIONS: '3', BATCH_MAX_MESSAGES: '1' });
    await ensureTopics(brokers, [topics.roots, topics.messages]);
    const app = await start();
    const prisma = app.get(PrismaService);
    const test = anvilTestClient(l2);
    const snapshot = await test.snapshot();
    const lost = [
      await sendMessage(l2, stack.center, 6, DST, '0x1111'),
      await sendMessage(l2, stack.center, 7, DST, '0x2222'),
    ];
    await waitFor('the app to record the doomed messages', async () =>
      (await prisma.chainMessage.count({ where: { messageId: { in: lost } } })) === 2 ? true : undefined,
    );
    expect(await prisma.sealedBatch.count()).toBe(0);

    await test.revert({ id: snapshot });
    const kept = await sendMessage(l2, stack.center, 2, DST, toHex('kept'));
    await mine(l2, 3);
    const roots = await readRootRecords(brokers, topics.roots, (r) => r.length >= 1);
    const messages = await readMessageRecords(brokers, topics.messages, (r) => r.length >= 1);
    expect(roots.records.map((r) => r.batchNumber)).toEqual([0n]);
    expect(checkBatch(roots.records[0]!, messages.records)).toEqual([kept]);
    expect(await prisma.chainMessage.count({ where: { messageId: { in: lost } } })).toBe(0);
    const metrics = await httpGet(app, '/metrics');
    expect(metrics.text).toMatch(/chain_reorgs_detected_total\{chain_id="901"\} [1-9]/);
    await app.close();
  });
});
