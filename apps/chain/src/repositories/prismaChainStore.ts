import { Prisma, type PrismaService } from '@interop/infra';
import { interopMessageJsonSchema, interopMessageToJson } from '@interop/protocol';
import type { Hex } from 'viem';
import { z } from 'zod';

import type { ChainStore, NewBatch, ScanResult } from '../domain/ports';
import type { BlockRef, ChainTreeFrontier, SealedBatch, SealedBatchRoot, StoredMessage } from '../domain/types';

/** WatcherCheckpoint names of the chain app (one row each per chain). */
export const CHECKPOINT_SCAN = 'messages-scan';
export const CHECKPOINT_SEALED = 'messages-sealed';

/**
 * Longest a seal transaction may stay open (Prisma's default of 5 s is too short for a batch of 65,536 messages on a
 * busy machine; the statements are few and set-based, so this only bounds a transaction that hangs).
 */
const TX_TIMEOUT_MS = 60_000;

/** A `chain_messages` row as the raw queries return it (snake_case columns). */
type MessageRow = {
  id: bigint;
  message_id: string;
  block_number: bigint;
  block_hash: string;
  log_index: number;
  tx_hash: string;
  message: unknown;
  batch_number: bigint | null;
  leaf_index: number | null;
};

const MESSAGE_COLUMNS = Prisma.sql`id, message_id, block_number, block_hash, log_index, tx_hash, message, batch_number, leaf_index`;

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
 * `chain_tree_frontiers` and the `watcher_checkpoints` rows of one chain. Every multi-row change is one transaction,
 * and set-based: the rows of a scan or a batch go in as one JSON document or as arrays (`jsonb_to_recordset`,
 * `unnest`), one statement per table whatever their number, and are read back with one query (Prisma's createMany
 * and findMany cost about 0.5 ms of CPU per row here, the raw statements a twentieth of that; bench/chain).
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
    const statements: Prisma.PrismaPromise<unknown>[] = [];
    if (blocks.length > 0) {
      // A block of the range seen before (a rescan) takes its new hash.
      statements.push(this.prisma.$executeRaw`
        INSERT INTO chain_blocks (chain_id, block_number, block_hash, parent_hash)
        SELECT ${chainId}::bigint, b.n, b.h, b.p
        FROM unnest(${blocks.map((b) => b.number)}::bigint[], ${blocks.map((b) => b.hash)}::text[],
                    ${blocks.map((b) => b.parentHash)}::text[]) AS b(n, h, p)
        ON CONFLICT (chain_id, block_number) DO UPDATE
          SET block_hash = EXCLUDED.block_hash, parent_hash = EXCLUDED.parent_hash`);
    }
    if (messages.length > 0) {
      // The rows go as one JSON document (JSON.stringify is native; pg's text-array literals escape every element
      // in JS, 4-8x the CPU for 5,000 messages). A message already recorded (same block and log index) is kept.
      const rows = JSON.stringify(
        messages.map((m) => ({
          id: m.messageId.toLowerCase(),
          bn: m.blockNumber.toString(),
          bh: m.blockHash,
          li: m.logIndex,
          tx: m.txHash,
          dst: m.message.dstChainId.toString(),
          msg: interopMessageToJson(m.message),
        })),
      );
      statements.push(this.prisma.$executeRaw`
        INSERT INTO chain_messages
          (chain_id, message_id, block_number, block_hash, log_index, tx_hash, dst_chain_id, message)
        SELECT ${chainId}::bigint, m.id, m.bn, m.bh, m.li, m.tx, m.dst, m.msg
        FROM jsonb_to_recordset(${rows}::jsonb)
          AS m(id text, bn bigint, bh text, li int, tx text, dst bigint, msg jsonb)
        ON CONFLICT (chain_id, block_number, log_index) DO NOTHING`);
    }
    statements.push(this.setCheckpoint(this.prisma, CHECKPOINT_SCAN, checkpoint.number, checkpoint.hash));
    await this.prisma.$transaction(statements);
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
    const rows = await this.prisma.$queryRaw<MessageRow[]>`
      SELECT ${MESSAGE_COLUMNS} FROM chain_messages
      WHERE chain_id = ${this.chainId}::bigint AND batch_number IS NULL AND block_number <= ${upToBlock}::bigint
      ORDER BY block_number, log_index
      LIMIT ${limit}::int`;
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
    await this.prisma.$transaction(
      async (tx) => {
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
        const assigned = await tx.$executeRaw`
        UPDATE chain_messages AS m
        SET batch_number = ${batch.batchNumber}::bigint, leaf_index = v.leaf, status = 'batched'
        FROM unnest(${leaves.map((l) => l.id)}::bigint[], ${leaves.map((l) => l.leafIndex)}::int[]) AS v(id, leaf)
        WHERE m.id = v.id AND m.chain_id = ${chainId}::bigint AND m.batch_number IS NULL`;
        if (assigned !== leaves.length) {
          // A message vanished or was sealed meanwhile: never commit a batch whose rows differ from what was signed.
          throw new Error(`batch ${batch.batchNumber}: assigned ${assigned} of ${leaves.length} messages`);
        }
        await this.setCheckpoint(tx, CHECKPOINT_SEALED, sealedCheckpoint.number, sealedCheckpoint.hash);
        // The frontier after this batch, in the same transaction: a signed batch never lacks its tree, nor the reverse.
        await this.upsertFrontier(tx, frontier);
      },
      { timeout: TX_TIMEOUT_MS },
    );
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

  async batchMessages(fromBatch: bigint, toBatch: bigint): Promise<StoredMessage[]> {
    const rows = await this.prisma.$queryRaw<MessageRow[]>`
      SELECT ${MESSAGE_COLUMNS} FROM chain_messages
      WHERE chain_id = ${this.chainId}::bigint AND batch_number BETWEEN ${fromBatch}::bigint AND ${toBatch}::bigint
      ORDER BY batch_number, leaf_index`;
    return rows.map(toStoredMessage);
  }

  async markPublished(batchNumbers: bigint[]): Promise<void> {
    await this.prisma.sealedBatch.updateMany({
      where: { chainId: this.chainId, batchNumber: { in: batchNumbers } },
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

  private setCheckpoint(
    tx: Prisma.TransactionClient,
    watcher: string,
    blockNumber: bigint,
    blockHash: string,
  ): Prisma.PrismaPromise<unknown> {
    return tx.watcherCheckpoint.upsert({
      where: { chainId_watcher: { chainId: this.chainId, watcher } },
      create: { chainId: this.chainId, watcher, blockNumber, blockHash },
      update: { blockNumber, blockHash },
    });
  }
}

function toStoredMessage(r: MessageRow): StoredMessage {
  return {
    id: r.id,
    messageId: r.message_id as Hex,
    blockNumber: r.block_number,
    blockHash: r.block_hash as Hex,
    logIndex: r.log_index,
    txHash: r.tx_hash as Hex,
    message: interopMessageJsonSchema.parse(r.message),
    batchNumber: r.batch_number,
    leafIndex: r.leaf_index,
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
