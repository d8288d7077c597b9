import { createServer } from 'node:net';

import { interopHubAbi } from '@interop/contracts';
import { ConfigError, ensureTopics, PrismaService } from '@interop/infra';
import {
  batchLeaf,
  buildBatchTree,
  CHAIN_DEPTH,
  ChainTree,
  fieldToBytes32,
  interopHubDomain,
  messageLeaf,
  recoverBatchRootSigner,
  type BatchRootRecord,
  type MessageRecord,
} from '@interop/protocol';
import { Logger, type INestApplication } from '@nestjs/common';
import { recoverAddress, toHex, type Address, type Hex } from 'viem';
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
  deployHub,
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
const DST = 902n;

/** The chain roots libs/protocol's ChainTree gives for batch roots 0..n-1 (one per batch, after it). */
function chainRootsOf(batchRoots: Hex[]): Hex[] {
  const tree = new ChainTree(CHAIN_DEPTH);
  return batchRoots.map((root, n) => {
    tree.append(batchLeaf(root, BigInt(n)));
    return fieldToBytes32(tree.root);
  });
}

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
  // The L1 InteropHub (CHAIN_DEPTH 20): the app reads its depth at boot and signs over its EIP-712 domain (the root
  // importer, off here, has its own test).
  let hub: Address;
  const apps: INestApplication[] = [];
  const dbs: ScratchDatabase[] = [];

  beforeAll(async () => {
    [l2, l1] = await Promise.all([startTestChain(901), startTestChain(900)]);
    stack = await deployStack(l2, DST);
    hub = await deployHub(l1, { chains: [[901n, OPERATOR]] });
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
      L1_HUB_ADDRESS: hub,
      INTEROP_CENTER_ADDRESS: stack.center,
      INTEROP_HANDLER_ADDRESS: stack.handler,
      OPERATOR_PRIVATE_KEY: OPERATOR_KEY,
      CONFIRMATIONS: '2',
      // Only full batches (of 3) seal here: new blocks alone do not (BATCH_MIN_INTERVAL_MS), nor does time.
      BATCH_INTERVAL_MS: '60000',
      BATCH_MIN_INTERVAL_MS: '60000',
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
    expect(root!.chainRoot).toBe(chainRootsOf([root!.batchRoot])[0]);
    expect(await recoverBatchRootSigner(interopHubDomain(900n, hub), root!, root!.signature)).toBe(OPERATOR);
    // L1's own digest of the v2 BatchRoot (domain version "2", with the chain root) recovers to the operator too.
    const digest = await l1.publicClient.readContract({
      address: hub,
      abi: interopHubAbi,
      functionName: 'batchRootDigest',
      args: [901n, 0n, root!.batchRoot, root!.chainRoot, root!.messageCount, root!.firstBlock, root!.lastBlock],
    });
    expect(await recoverAddress({ hash: digest, signature: root!.signature })).toBe(OPERATOR);
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
    expect(batch.chainRoot).toBe(root!.chainRoot);
    const frontier = await prisma.chainTreeFrontier.findUniqueOrThrow({ where: { chainId: 901n } });
    expect(frontier).toMatchObject({ size: 1n, root: root!.chainRoot });
    expect(frontier.frontier).toHaveLength(CHAIN_DEPTH);

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
    expect(roots.records[0]).toMatchObject({
      batchRoot: sealedBefore.batchRoot,
      chainRoot: sealedBefore.chainRoot,
      signature: sealedBefore.signature,
    });
    // The restarted app continued the chain tree from the stored frontier.
    expect(roots.records.map((r) => r.chainRoot)).toEqual(chainRootsOf(roots.records.map((r) => r.batchRoot)));
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

  it('fails at boot naming CHAIN_DEPTH when it differs from L1, and waits for an L1 that does not answer yet', async () => {
    const { start } = await environment();
    const error = await start({ CHAIN_DEPTH: '16' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { variable: 'CHAIN_DEPTH', reason: `is 16 but L1 InteropHub ${hub} has CHAIN_DEPTH 20` },
    ]);

    // An L1 hub address with no code yet: the boot read fails, is logged and retried; once the contract is there
    // (the hub's runtime code, CHAIN_DEPTH is an immutable in it), the app starts.
    const later: Address = '0x00000000000000000000000000000000000c4a1d';
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    try {
      const booting = start({ L1_HUB_ADDRESS: later, CHAIN_DEPTH: '20' });
      let booted = false;
      void booting.then(() => (booted = true)).catch(() => undefined);
      await waitFor('a logged CHAIN_DEPTH retry', () =>
        Promise.resolve(
          warnings.mock.calls.some(([m]) =>
            String(m).includes(`reading CHAIN_DEPTH() of L1 InteropHub ${later} failed`),
          )
            ? true
            : undefined,
        ),
      );
      expect(booted).toBe(false);
      const code = await l1.publicClient.getCode({ address: hub });
      await anvilTestClient(l1).setCode({ address: later, bytecode: code! });
      const app = await booting;
      expect((await httpGet(app, '/health')).status).toBe(200);
      await app.close();
    } finally {
      warnings.mockRestore();
    }
  });
});
