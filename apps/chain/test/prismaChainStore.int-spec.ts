import { PrismaService } from '@interop/infra';
import { buildBatchTree, CHAIN_DEPTH, IncrementalPoseidonTree, batchLeaf, messageLeaf } from '@interop/protocol';
import type { Hex } from 'viem';

import { createScratchDatabase, type ScratchDatabase } from '../../../libs/infra/src/prisma/createScratchDatabase';
import { migrate } from '../../../scripts/migrate';
import { frontierOf } from '../src/chainTree/chainTreeState';
import { PrismaChainStore, CHECKPOINT_SEALED } from '../src/repositories/prismaChainStore';
import { SimulatedChain } from './support/simulatedChain';

const SIGNATURE: Hex = `0x${'11'.repeat(65)}`;

/** PrismaChainStore on a migrated Postgres: the transactions the crash safety of the chain app rests on. */
describe('PrismaChainStore (real Postgres)', () => {
  let db: ScratchDatabase;
  let prisma: PrismaService;
  let store: PrismaChainStore;
  const chain = new SimulatedChain(901n);

  beforeAll(async () => {
    db = await createScratchDatabase('chain_store_it');
    await migrate(db.url);
    prisma = new PrismaService({ databaseUrl: db.url, maxConnections: 2 });
    await prisma.onModuleInit();
    store = new PrismaChainStore(prisma, 901n);
  });

  afterAll(async () => {
    await prisma?.onModuleDestroy();
    await db?.drop();
  });

  it('records scans, rolls back unsealed rows only, and seals atomically under a never-reused batch number', async () => {
    const b1 = chain.mine([chain.message(1), chain.message(2)]);
    const b2 = chain.mine([chain.message(3)]);
    await store.recordScan({ blocks: [b1, b2], messages: await chain.messageSentLogs(1n, 2n), checkpoint: b2 });
    expect((await store.scanCheckpoint())?.hash).toBe(b2.hash);
    expect(await store.countUnsealed(2n)).toBe(3);

    const first = await store.unsealedMessages(1n, 10);
    const root = buildBatchTree(first.map((m) => messageLeaf(m.message))).root;
    const tree = new IncrementalPoseidonTree(CHAIN_DEPTH);
    tree.append(batchLeaf(root, 0n));
    const frontier = frontierOf(tree);
    const batch = (n: bigint) => ({
      chainId: 901n,
      batchNumber: n,
      batchRoot: root,
      chainRoot: frontier.root,
      messageCount: first.length,
      firstBlock: 1n,
      lastBlock: 1n,
      signature: SIGNATURE,
    });
    const checkpoint = { number: 1n, hash: b1.hash };

    // A seal whose rows changed under it (an id that is not an unsealed message) commits nothing at all.
    await expect(
      store.saveBatch({
        batch: batch(0n),
        leaves: [...first.map((m, i) => ({ id: m.id, leafIndex: i })), { id: 999_999n, leafIndex: 2 }],
        sealedCheckpoint: checkpoint,
        frontier,
      }),
    ).rejects.toThrow(/assigned 2 of 3/);
    expect(await store.lastBatch()).toBeNull();
    expect(await store.chainTreeFrontier()).toBeNull(); // the frontier rolled back with the batch
    expect(await store.countUnsealed(2n)).toBe(3);
    expect(await prisma.watcherCheckpoint.count({ where: { watcher: CHECKPOINT_SEALED } })).toBe(0);

    await store.saveBatch({
      batch: batch(0n),
      leaves: first.map((m, i) => ({ id: m.id, leafIndex: i })),
      sealedCheckpoint: checkpoint,
      frontier,
    });
    // Written with the batch, read back exactly (frontier as decimal strings in JSON).
    expect(await store.chainTreeFrontier()).toEqual(frontier);
    expect(await store.lastBatch()).toMatchObject({ batchNumber: 0n, chainRoot: frontier.root });
    expect(await store.sealedBatchRoots(0n, 10)).toEqual([
      { batchNumber: 0n, batchRoot: root, chainRoot: frontier.root },
    ]);
    expect(await store.sealedBatchRoots(1n, 10)).toEqual([]);
    const stored = await prisma.chainTreeFrontier.findUniqueOrThrow({ where: { chainId: 901n } });
    expect(stored.frontier).toEqual(frontier.frontier.map(String));
    expect((await store.batchMessages(0n, 0n)).map((m) => [m.messageId, m.leafIndex])).toEqual(
      first.map((m, i) => [m.messageId, i]),
    );
    expect(await store.lastSealedBlock()).toBe(1n);
    // batch number 0 again: refused by the primary key, whatever the messages
    const rest = await store.unsealedMessages(2n, 10);
    await expect(
      store.saveBatch({
        batch: batch(0n),
        leaves: [{ id: rest[0]!.id, leafIndex: 0 }],
        sealedCheckpoint: checkpoint,
        frontier: { ...frontier, size: 2n },
      }),
    ).rejects.toThrow();
    expect(await store.countUnsealed(2n)).toBe(1);
    expect(await store.chainTreeFrontier()).toEqual(frontier);

    // The frontier alone (after a rebuild) replaces the row.
    await store.saveChainTreeFrontier({ ...frontier, size: 1n });
    expect(await store.chainTreeFrontier()).toEqual(frontier);
    await prisma.chainTreeFrontier.deleteMany();
    expect(await store.chainTreeFrontier()).toBeNull();
    await store.saveChainTreeFrontier(frontier);
    expect(await store.chainTreeFrontier()).toEqual(frontier);

    // A reorg back to block 0 drops the unsealed message of block 2 and keeps the sealed ones of block 1.
    const dropped = await store.rollback(null);
    expect(dropped).toBe(1);
    expect(await store.scanCheckpoint()).toBeNull();
    expect((await store.batchMessages(0n, 0n)).length).toBe(2);
    expect(await store.knownBlocks(10n)).toEqual([]);

    expect(await store.unpublishedBatches()).toHaveLength(1);
    await store.recordPublishFailure(0n, 'broker down');
    await store.markPublished([0n]);
    expect(await store.unpublishedBatches()).toEqual([]);
    const row = await prisma.sealedBatch.findFirstOrThrow({ where: { chainId: 901n, batchNumber: 0n } });
    expect(row).toMatchObject({ publishAttempts: 1, lastError: null });
    expect(row.publishedAt).toBeInstanceOf(Date);
  });

  it('writes a scan and a seal of thousands of messages set-based: a statement per table, whatever their number', async () => {
    const sim = new SimulatedChain(903n);
    const setStore = new PrismaChainStore(prisma, 903n);
    const count = 6_000;
    const b1 = sim.mine(Array.from({ length: count - 1 }, (_, i) => sim.message(i)));
    const b2 = sim.mine([sim.message(count)]);
    const messages = await sim.messageSentLogs(1n, 2n);
    const raw = jest.spyOn(prisma, '$executeRaw');
    try {
      await setStore.recordScan({ blocks: [b1, b2], messages, checkpoint: b2 });
      expect(raw).toHaveBeenCalledTimes(2); // chain_blocks and chain_messages, one INSERT each
    } finally {
      raw.mockRestore();
    }
    expect(await setStore.countUnsealed(2n)).toBe(count);
    // A rescan of the same range (after a retried read) keeps the rows it has and adds none.
    await setStore.recordScan({ blocks: [b1, b2], messages, checkpoint: b2 });
    expect(await prisma.chainMessage.count({ where: { chainId: 903n } })).toBe(count);
    expect((await setStore.knownBlocks(2n)).map((b) => b.hash)).toEqual([b2.hash, b1.hash]);

    const unsealed = await setStore.unsealedMessages(2n, count);
    expect(unsealed.map((m) => [m.blockNumber, m.logIndex])).toEqual(messages.map((m) => [m.blockNumber, m.logIndex]));
    expect(unsealed.map((m) => m.message)).toEqual(messages.map((m) => m.message));
    const root = buildBatchTree(unsealed.map((m) => messageLeaf(m.message))).root;
    const tree = new IncrementalPoseidonTree(CHAIN_DEPTH);
    tree.append(batchLeaf(root, 0n));
    const frontier = frontierOf(tree);
    await setStore.saveBatch({
      batch: {
        chainId: 903n,
        batchNumber: 0n,
        batchRoot: root,
        chainRoot: frontier.root,
        messageCount: count,
        firstBlock: 1n,
        lastBlock: 2n,
        signature: SIGNATURE,
      },
      leaves: unsealed.map((m, leafIndex) => ({ id: m.id, leafIndex })),
      sealedCheckpoint: { number: 2n, hash: b2.hash },
      frontier,
    });
    expect(await setStore.countUnsealed(2n)).toBe(0);
    const sealed = await setStore.batchMessages(0n, 0n);
    expect(sealed.map((m) => m.leafIndex)).toEqual(unsealed.map((_, i) => i));
    expect(sealed.map((m) => m.messageId)).toEqual(unsealed.map((m) => m.messageId));
    expect(buildBatchTree(sealed.map((m) => messageLeaf(m.message))).root).toBe(root);
    await setStore.markPublished([0n]);
    expect(await setStore.unpublishedBatches()).toEqual([]);
  }, 60_000); // 6,000 rows: a few seconds on a busy machine
});
