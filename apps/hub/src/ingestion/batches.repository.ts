import { PrismaService } from '@interop/infra';
import { Inject, Injectable } from '@nestjs/common';

import { batchKey, type BatchSnapshot, type BatchWrite, type StoredBatch } from './planIngestion';

export type { StoredBatch } from './planIngestion';

/** A partition of a topic as read by a consumer group (the checkpoint's key). */
export type PartitionSource = { consumer: string; topic: string; partition: number };

/** What one partition batch reads and writes inside its transaction. */
export interface IngestionTx {
  /** The last offset of the partition already written (undefined: none). */
  checkpoint(): Promise<bigint | undefined>;
  /** The state the records with these (chain id, batch number) are judged against. */
  snapshot(keys: ReadonlyArray<{ chainId: bigint; batchNumber: bigint }>): Promise<BatchSnapshot>;
  /** The batches, promotions, equivocations, flags and the checkpoint. */
  write(source: PartitionSource, write: BatchWrite): Promise<void>;
}

/** The ingestion's Postgres I/O. */
export interface IngestionStore {
  /**
   * Runs `work` in one transaction that holds the partition's lock (a transaction-scoped advisory lock on the
   * checkpoint key), so two processes that both think they own a partition (a rebalance in progress) take turns and
   * the second one sees the first one's checkpoint.
   */
  inPartition<T>(source: PartitionSource, work: (tx: IngestionTx) => Promise<T>): Promise<T>;
}

type Tx = Parameters<Parameters<PrismaService['$transaction']>[0]>[0];

type BatchRow = {
  chain_id: bigint;
  batch_number: bigint;
  batch_root: string;
  chain_root: string;
  message_count: number;
  first_block: bigint;
  last_block: bigint;
  signature: string;
  status: StoredBatch['status'];
};

const text = (xs: ReadonlyArray<bigint | number | string>): string[] => xs.map(String);

/**
 * Prisma implementation of {@link IngestionStore}: a handful of set-based statements per partition batch (arrays
 * passed as text and unnested), whatever the number of records.
 */
@Injectable()
export class BatchesRepository implements IngestionStore {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  inPartition<T>(source: PartitionSource, work: (tx: IngestionTx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(
      async (tx) => {
        const lockKey = `hub.ingestion/${source.consumer}/${source.topic}/${source.partition}`;
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`;
        return work(new PrismaIngestionTx(tx, source));
      },
      // A batch publishes its dead letters inside the transaction (before the checkpoint commits).
      { maxWait: 30_000, timeout: 120_000 },
    );
  }
}

class PrismaIngestionTx implements IngestionTx {
  constructor(
    private readonly tx: Tx,
    private readonly source: PartitionSource,
  ) {}

  async checkpoint(): Promise<bigint | undefined> {
    const { consumer, topic, partition } = this.source;
    const rows = await this.tx.$queryRaw<Array<{ offset: bigint }>>`
      SELECT "offset" FROM consumer_checkpoints
      WHERE consumer = ${consumer} AND topic = ${topic} AND partition = ${partition}`;
    return rows[0] === undefined ? undefined : BigInt(rows[0].offset);
  }

  async snapshot(keys: ReadonlyArray<{ chainId: bigint; batchNumber: bigint }>): Promise<BatchSnapshot> {
    const chainIds = [...new Set(keys.map((k) => k.chainId))];
    if (chainIds.length === 0) return { chains: new Map(), batches: new Map(), nextBatchNumber: new Map() };
    const ids = text(chainIds);
    const chainRows = await this.tx.$queryRaw<Array<{ chain_id: bigint; status: string; operator: string }>>`
      SELECT chain_id, status::text AS status, operator FROM chains WHERE chain_id = ANY(${ids}::bigint[])`;
    const batchRows = await this.tx.$queryRaw<BatchRow[]>`
      SELECT chain_id, batch_number, batch_root, chain_root, message_count, first_block, last_block, signature,
             status::text AS status
      FROM batches
      WHERE (chain_id, batch_number) IN (
              SELECT * FROM unnest(${text(keys.map((k) => k.chainId))}::bigint[],
                                   ${text(keys.map((k) => k.batchNumber))}::bigint[]))
         OR (chain_id = ANY(${ids}::bigint[]) AND status = 'held')`;
    // max() per chain through the (chain_id, batch_number) index, one chain at a time.
    const nextRows = await this.tx.$queryRaw<Array<{ chain_id: bigint; max_number: bigint | null }>>`
      SELECT c.id AS chain_id,
             (SELECT max(batch_number) FROM batches
               WHERE chain_id = c.id AND status IN ('received', 'aggregated')) AS max_number
      FROM unnest(${ids}::bigint[]) AS c(id)`;
    const chains = new Map<bigint, { status: string; operator: string }>();
    for (const r of chainRows) chains.set(BigInt(r.chain_id), { status: r.status, operator: r.operator });
    const batches = new Map<string, StoredBatch>();
    for (const r of batchRows) {
      const b: StoredBatch = {
        chainId: BigInt(r.chain_id),
        batchNumber: BigInt(r.batch_number),
        batchRoot: r.batch_root,
        chainRoot: r.chain_root,
        messageCount: Number(r.message_count),
        firstBlock: BigInt(r.first_block),
        lastBlock: BigInt(r.last_block),
        signature: r.signature,
        status: r.status,
      };
      batches.set(batchKey(b.chainId, b.batchNumber), b);
    }
    const nextBatchNumber = new Map<bigint, bigint>();
    for (const r of nextRows) {
      if (r.max_number !== null) nextBatchNumber.set(BigInt(r.chain_id), BigInt(r.max_number) + 1n);
    }
    return { chains, batches, nextBatchNumber };
  }

  async write(source: PartitionSource, w: BatchWrite): Promise<void> {
    const tx = this.tx;
    if (w.inserts.length > 0) {
      const b = w.inserts;
      await tx.$executeRaw`
        INSERT INTO batches (chain_id, batch_number, batch_root, chain_root, message_count, first_block, last_block,
                             signature, status)
        SELECT * FROM unnest(
          ${text(b.map((x) => x.chainId))}::bigint[], ${text(b.map((x) => x.batchNumber))}::bigint[],
          ${b.map((x) => x.batchRoot)}::text[], ${b.map((x) => x.chainRoot)}::text[],
          ${text(b.map((x) => x.messageCount))}::int[],
          ${text(b.map((x) => x.firstBlock))}::bigint[], ${text(b.map((x) => x.lastBlock))}::bigint[],
          ${b.map((x) => x.signature)}::text[], ${b.map((x) => x.status)}::batch_status[])`;
    }
    if (w.promote.length > 0) {
      await tx.$executeRaw`
        UPDATE batches SET status = 'received'
        FROM unnest(${text(w.promote.map((p) => p.chainId))}::bigint[],
                    ${text(w.promote.map((p) => p.batchNumber))}::bigint[]) AS p(chain_id, batch_number)
        WHERE batches.chain_id = p.chain_id AND batches.batch_number = p.batch_number AND batches.status = 'held'`;
    }
    if (w.equivocations.length > 0) {
      const e = w.equivocations;
      await tx.$executeRaw`
        INSERT INTO equivocations (chain_id, batch_number, first_root, second_root, signature)
        SELECT * FROM unnest(
          ${text(e.map((x) => x.chainId))}::bigint[], ${text(e.map((x) => x.batchNumber))}::bigint[],
          ${e.map((x) => x.firstRoot)}::text[], ${e.map((x) => x.secondRoot)}::text[],
          ${e.map((x) => x.signature)}::text[])
        ON CONFLICT (chain_id, batch_number, second_root) DO NOTHING`;
    }
    if (w.flagChains.length > 0) {
      await tx.$executeRaw`
        UPDATE chains SET status = 'flagged', updated_at = now() WHERE chain_id = ANY(${text(w.flagChains)}::bigint[])`;
    }
    const { consumer, topic, partition } = source;
    await tx.$executeRaw`
      INSERT INTO consumer_checkpoints (consumer, topic, partition, "offset", updated_at)
      VALUES (${consumer}, ${topic}, ${partition}, ${w.checkpoint}, now())
      ON CONFLICT (consumer, topic, partition) DO UPDATE SET "offset" = EXCLUDED."offset", updated_at = now()`;
  }
}
