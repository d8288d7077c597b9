import { Prisma, type PrismaService } from '@interop/infra';
import { interopMessageJsonSchema, interopMessageToJson } from '@interop/protocol';
import type { Hex } from 'viem';
import { z } from 'zod';

import type { ChainStore, NewBatch, ScanResult } from '../domain/ports';
import type { BlockRef, ChainTreeFrontier, SealedBatch, SealedBatchRoot, StoredMessage } from '../domain/types';

/** WatcherCheckpoint names of the chain app (one row each per chain). */
export const CHECKPOINT_SCAN = 'messages-scan';
export const CHECKPOINT_SEALED = 'messages-sealed';

/** Rows per UPDATE when assigning leaf indexes (two bind parameters each; Postgres allows 65,535). */
const UPDATE_CHUNK = 5_000;

type MessageRow = {
  id: bigint;
  messageId: string;
  blockNumber: bigint;
  blockHash: string;
  logIndex: number;
  txHash: string;
  message: unknown;
  batchNumber: bigint | null;
  leafIndex: number | null;
};

/** `chain_tree_frontiers.frontier`: the frontier's field elements as decimal strings, leaf level first. */
const frontierJsonSchema = z.array(
  z
    .string()
    .regex(/^\d{1,78}$/, 'must be a decimal field element')
    .transform(BigInt),
);

type BatchRow = {
  chainId: bigint;
  batchNumber: bigint;
  batchRoot: string;
  chainRoot: string;
  messageCount: number;
  firstBlock: bigint;
  lastBlock: bigint;
  signature: string;
  sealedAt: Date;
  publishedAt: Date | null;
};

/**
 * `ChainStore` on Postgres through Prisma: `chain_blocks`, `chain_messages`, `sealed_batches`,
 * `chain_tree_frontiers` and the `watcher_checkpoints` rows of one chain. Every multi-row change is one transaction.
 */
export class PrismaChainStore implements ChainStore {
  constructor(
    private readonly prisma: PrismaService,
    private readonly chainId: bigint,
  ) {}

  async scanCheckpoint(): Promise<BlockRef | null> {
    const row = await this.prisma.watcherCheckpoint.findUnique({
      where: { chainId_watcher: { chainId: this.chainId, watcher: CHECKPOINT_SCAN } },
    });
    if (!row) return null;
    const block = await this.prisma.chainBlock.findUnique({
      where: { chainId_blockNumber: { chainId: this.chainId, blockNumber: row.blockNumber } },
    });
    return { number: row.blockNumber, hash: row.blockHash as Hex, parentHash: (block?.parentHash ?? '0x') as Hex };
  }

  async knownBlocks(atOrBelow: bigint): Promise<BlockRef[]> {
    const rows = await this.prisma.chainBlock.findMany({
      where: { chainId: this.chainId, blockNumber: { lte: atOrBelow } },
      orderBy: { blockNumber: 'desc' },
    });
    return rows.map((r) => ({ number: r.blockNumber, hash: r.blockHash as Hex, parentHash: r.parentHash as Hex }));
  }

  async recordScan({ blocks, messages, checkpoint }: ScanResult): Promise<void> {
    const chainId = this.chainId;
    await this.prisma.$transaction(async (tx) => {
      if (blocks.length > 0) {
        await tx.chainBlock.deleteMany({
          where: { chainId, blockNumber: { gte: blocks[0]!.number, lte: blocks[blocks.length - 1]!.number } },
        });
        await tx.chainBlock.createMany({
          data: blocks.map((b) => ({ chainId, blockNumber: b.number, blockHash: b.hash, parentHash: b.parentHash })),
        });
      }
      if (messages.length > 0) {
        await tx.chainMessage.createMany({
          data: messages.map((m) => ({
            chainId,
            messageId: m.messageId.toLowerCase(),
            blockNumber: m.blockNumber,
            blockHash: m.blockHash,
            logIndex: m.logIndex,
            txHash: m.txHash,
            dstChainId: m.message.dstChainId,
            message: interopMessageToJson(m.message),
          })),
          skipDuplicates: true,
        });
      }
      await this.setCheckpoint(tx, CHECKPOINT_SCAN, checkpoint.number, checkpoint.hash);
    });
  }

  async rollback(forkPoint: BlockRef | null): Promise<number> {
    const chainId = this.chainId;
    const above = forkPoint?.number ?? -1n;
    return this.prisma.$transaction(async (tx) => {
      await tx.chainBlock.deleteMany({ where: { chainId, blockNumber: { gt: above } } });
      const dropped = await tx.chainMessage.deleteMany({
        where: { chainId, blockNumber: { gt: above }, batchNumber: null },
      });
      if (forkPoint) await this.setCheckpoint(tx, CHECKPOINT_SCAN, forkPoint.number, forkPoint.hash);
      else await tx.watcherCheckpoint.deleteMany({ where: { chainId, watcher: CHECKPOINT_SCAN } });
      return dropped.count;
    });
  }

  async lastSealedBlock(): Promise<bigint | null> {
    return (await this.lastBatch())?.lastBlock ?? null;
  }

  countUnsealed(upToBlock: bigint): Promise<number> {
    return this.prisma.chainMessage.count({
      where: { chainId: this.chainId, batchNumber: null, blockNumber: { lte: upToBlock } },
    });
  }

  async unsealedMessages(upToBlock: bigint, limit: number): Promise<StoredMessage[]> {
    const rows = await this.prisma.chainMessage.findMany({
      where: { chainId: this.chainId, batchNumber: null, blockNumber: { lte: upToBlock } },
      orderBy: [{ blockNumber: 'asc' }, { logIndex: 'asc' }],
      take: limit,
    });
    return rows.map(toStoredMessage);
  }

  async lastBatch(): Promise<SealedBatch | null> {
    const row = await this.prisma.sealedBatch.findFirst({
      where: { chainId: this.chainId },
      orderBy: { batchNumber: 'desc' },
    });
    return row ? toSealedBatch(row) : null;
  }

  async saveBatch({ batch, leaves, sealedCheckpoint, frontier }: NewBatch): Promise<void> {
    const chainId = this.chainId;
    await this.prisma.$transaction(async (tx) => {
      // The primary key (chain_id, batch_number) refuses a reused number, whatever raced us.
      await tx.sealedBatch.create({
        data: {
          chainId,
          batchNumber: batch.batchNumber,
          batchRoot: batch.batchRoot,
          chainRoot: batch.chainRoot,
          messageCount: batch.messageCount,
          firstBlock: batch.firstBlock,
          lastBlock: batch.lastBlock,
          signature: batch.signature,
        },
      });
      let assigned = 0;
      for (let i = 0; i < leaves.length; i += UPDATE_CHUNK) {
        const values = Prisma.join(
          leaves.slice(i, i + UPDATE_CHUNK).map((l) => Prisma.sql`(${l.id}::bigint, ${l.leafIndex}::int)`),
        );
        assigned += await tx.$executeRaw`
          UPDATE chain_messages AS m
          SET batch_number = ${batch.batchNumber}::bigint, leaf_index = v.leaf, status = 'batched'
          FROM (VALUES ${values}) AS v(id, leaf)
          WHERE m.id = v.id AND m.chain_id = ${chainId}::bigint AND m.batch_number IS NULL`;
      }
      if (assigned !== leaves.length) {
        // A message vanished or was sealed meanwhile: never commit a batch whose rows differ from what was signed.
        throw new Error(`batch ${batch.batchNumber}: assigned ${assigned} of ${leaves.length} messages`);
      }
      await this.setCheckpoint(tx, CHECKPOINT_SEALED, sealedCheckpoint.number, sealedCheckpoint.hash);
      // The frontier after this batch, in the same transaction: a signed batch never lacks its tree, nor the reverse.
      await this.upsertFrontier(tx, frontier);
    });
  }

  async chainTreeFrontier(): Promise<ChainTreeFrontier | null> {
    const row = await this.prisma.chainTreeFrontier.findUnique({ where: { chainId: this.chainId } });
    if (!row) return null;
    return { size: row.size, frontier: frontierJsonSchema.parse(row.frontier), root: row.root as Hex };
  }

  async saveChainTreeFrontier(frontier: ChainTreeFrontier): Promise<void> {
    await this.upsertFrontier(this.prisma, frontier);
  }

  async sealedBatchRoots(fromBatch: bigint, limit: number): Promise<SealedBatchRoot[]> {
    const rows = await this.prisma.sealedBatch.findMany({
      where: { chainId: this.chainId, batchNumber: { gte: fromBatch } },
      orderBy: { batchNumber: 'asc' },
      select: { batchNumber: true, batchRoot: true, chainRoot: true },
      take: limit,
    });
    return rows.map((r) => ({
      batchNumber: r.batchNumber,
      batchRoot: r.batchRoot as Hex,
      chainRoot: r.chainRoot as Hex,
    }));
  }

  async unpublishedBatches(): Promise<SealedBatch[]> {
    const rows = await this.prisma.sealedBatch.findMany({
      where: { chainId: this.chainId, publishedAt: null },
      orderBy: { batchNumber: 'asc' },
    });
    return rows.map(toSealedBatch);
  }

  async batchMessages(batchNumber: bigint): Promise<StoredMessage[]> {
    const rows = await this.prisma.chainMessage.findMany({
      where: { chainId: this.chainId, batchNumber },
      orderBy: { leafIndex: 'asc' },
    });
    return rows.map(toStoredMessage);
  }

  async markPublished(batchNumber: bigint): Promise<void> {
    await this.prisma.sealedBatch.update({
      where: { chainId_batchNumber: { chainId: this.chainId, batchNumber } },
      data: { publishedAt: new Date(), lastError: null },
    });
  }

  async recordPublishFailure(batchNumber: bigint, error: string): Promise<void> {
    await this.prisma.sealedBatch.update({
      where: { chainId_batchNumber: { chainId: this.chainId, batchNumber } },
      data: { publishAttempts: { increment: 1 }, lastError: error.slice(0, 2_000) },
    });
  }

  async pruneBlocks(below: bigint): Promise<void> {
    await this.prisma.chainBlock.deleteMany({ where: { chainId: this.chainId, blockNumber: { lt: below } } });
  }

  private async upsertFrontier(
    db: Prisma.TransactionClient,
    { size, frontier, root }: ChainTreeFrontier,
  ): Promise<void> {
    const data = { size, frontier: frontier.map((f) => f.toString()), root };
    await db.chainTreeFrontier.upsert({
      where: { chainId: this.chainId },
      create: { chainId: this.chainId, ...data },
      update: data,
    });
  }

  private async setCheckpoint(
    tx: Prisma.TransactionClient,
    watcher: string,
    blockNumber: bigint,
    blockHash: string,
  ): Promise<void> {
    await tx.watcherCheckpoint.upsert({
      where: { chainId_watcher: { chainId: this.chainId, watcher } },
      create: { chainId: this.chainId, watcher, blockNumber, blockHash },
      update: { blockNumber, blockHash },
    });
  }
}

function toStoredMessage(r: MessageRow): StoredMessage {
  return {
    id: r.id,
    messageId: r.messageId as Hex,
    blockNumber: r.blockNumber,
    blockHash: r.blockHash as Hex,
    logIndex: r.logIndex,
    txHash: r.txHash as Hex,
    message: interopMessageJsonSchema.parse(r.message),
    batchNumber: r.batchNumber,
    leafIndex: r.leafIndex,
  };
}

function toSealedBatch(r: BatchRow): SealedBatch {
  return {
    chainId: r.chainId,
    batchNumber: r.batchNumber,
    batchRoot: r.batchRoot as Hex,
    chainRoot: r.chainRoot as Hex,
    messageCount: r.messageCount,
    firstBlock: r.firstBlock,
    lastBlock: r.lastBlock,
    signature: r.signature as Hex,
    sealedAt: r.sealedAt,
    publishedAt: r.publishedAt,
  };
}
