import { PrismaService } from '@interop/infra';
import { Inject, Injectable } from '@nestjs/common';

/** A stored batch root. */
export type StoredBatch = {
  chainId: bigint;
  batchNumber: bigint;
  batchRoot: string;
  messageCount: number;
  firstBlock: bigint;
  lastBlock: bigint;
  signature: string;
  status: 'held' | 'received' | 'aggregated';
};

/** Where a Kafka record came from (its checkpoint key and offset). */
export type RecordSource = { consumer: string; topic: string; partition: number; offset: bigint };

/** Everything one record changes, written in one transaction with the consumer checkpoint. */
export type IngestWrite = {
  checkpoint: RecordSource;
  /** A new batch; `received` also promotes the held batches that directly follow it. */
  insert?: StoredBatch;
  equivocation?: { chainId: bigint; batchNumber: bigint; firstRoot: string; secondRoot: string; signature: string };
  flagChain?: bigint;
};

/** What the ingestion needs to judge one record, read in one round trip. */
export type IngestSnapshot = {
  checkpoint: bigint | undefined;
  chain: { status: string; operator: string } | undefined;
  /** The stored batch with this chain id and batch number, if any. */
  existing: StoredBatch | undefined;
  /** One past the highest received or aggregated batch number of the chain (0 for none). */
  nextBatchNumber: bigint;
};

/** The ingestion's Postgres I/O. */
export interface IngestionStore {
  load(source: RecordSource, chainId: bigint, batchNumber: bigint): Promise<IngestSnapshot>;
  commit(write: IngestWrite): Promise<void>;
}

type SnapshotRow = {
  checkpoint: bigint | null;
  chain_status: string | null;
  operator: string | null;
  batch_root: string | null;
  message_count: number | null;
  first_block: bigint | null;
  last_block: bigint | null;
  signature: string | null;
  batch_status: StoredBatch['status'] | null;
  max_number: bigint | null;
};

/** Prisma implementation of {@link IngestionStore}. */
@Injectable()
export class BatchesRepository implements IngestionStore {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** One statement: the checkpoint, the chain, the batch with this number and the chain's next number. */
  async load(source: RecordSource, chainId: bigint, batchNumber: bigint): Promise<IngestSnapshot> {
    const rows = await this.prisma.$queryRaw<SnapshotRow[]>`
      SELECT
        (SELECT "offset" FROM consumer_checkpoints
          WHERE consumer = ${source.consumer} AND topic = ${source.topic} AND partition = ${source.partition}) AS checkpoint,
        c.status::text AS chain_status, c.operator,
        b.batch_root, b.message_count, b.first_block, b.last_block, b.signature, b.status::text AS batch_status,
        (SELECT max(batch_number) FROM batches
          WHERE chain_id = ${chainId} AND status IN ('received', 'aggregated')) AS max_number
      FROM (SELECT 1) AS one
      LEFT JOIN chains c ON c.chain_id = ${chainId}
      LEFT JOIN batches b ON b.chain_id = ${chainId} AND b.batch_number = ${batchNumber}`;
    const r = rows[0]!;
    return {
      checkpoint: r.checkpoint === null ? undefined : BigInt(r.checkpoint),
      chain: r.chain_status === null ? undefined : { status: r.chain_status, operator: r.operator! },
      existing:
        r.batch_root === null
          ? undefined
          : {
              chainId,
              batchNumber,
              batchRoot: r.batch_root,
              messageCount: Number(r.message_count),
              firstBlock: BigInt(r.first_block!),
              lastBlock: BigInt(r.last_block!),
              signature: r.signature!,
              status: r.batch_status!,
            },
      nextBatchNumber: r.max_number === null ? 0n : BigInt(r.max_number) + 1n,
    };
  }

  async commit(write: IngestWrite): Promise<void> {
    const { consumer, topic, partition, offset } = write.checkpoint;
    if (!write.equivocation && write.flagChain === undefined) {
      // The common cases in one statement (atomic on its own): the batch, if any, promoting the held batches that
      // directly follow a received one, and the checkpoint.
      const b = write.insert;
      await this.prisma.$executeRaw`
        WITH ins AS (
          INSERT INTO batches (chain_id, batch_number, batch_root, message_count, first_block, last_block, signature, status)
          SELECT ${b?.chainId ?? 0n}, ${b?.batchNumber ?? 0n}, ${b?.batchRoot ?? ''}, ${b?.messageCount ?? 0},
                 ${b?.firstBlock ?? 0n}, ${b?.lastBlock ?? 0n}, ${b?.signature ?? ''}, ${b?.status ?? 'held'}::batch_status
          WHERE ${b !== undefined}
          RETURNING chain_id, batch_number, status
        ),
        run AS (
          SELECT h.batch_number FROM batches h, ins
          WHERE ins.status = 'received' AND h.chain_id = ins.chain_id AND h.status = 'held'
            AND h.batch_number > ins.batch_number
            AND h.batch_number - ins.batch_number = (
              SELECT count(*) FROM batches h2
              WHERE h2.chain_id = ins.chain_id AND h2.status = 'held'
                AND h2.batch_number > ins.batch_number AND h2.batch_number <= h.batch_number)
        ),
        promoted AS (
          UPDATE batches SET status = 'received'
          WHERE chain_id = ${b?.chainId ?? 0n} AND batch_number IN (SELECT batch_number FROM run)
          RETURNING 1
        )
        INSERT INTO consumer_checkpoints (consumer, topic, partition, "offset", updated_at)
        VALUES (${consumer}, ${topic}, ${partition}, ${offset}, now())
        ON CONFLICT (consumer, topic, partition) DO UPDATE SET "offset" = EXCLUDED."offset", updated_at = now()`;
      return;
    }
    await this.prisma.$transaction(async (tx) => {
      if (write.insert) {
        await tx.batch.create({ data: write.insert });
        if (write.insert.status === 'received') {
          // Promote the held batches that the new one connects (n+1, n+2, ... while consecutive).
          const held = await tx.batch.findMany({
            where: { chainId: write.insert.chainId, status: 'held', batchNumber: { gt: write.insert.batchNumber } },
            select: { batchNumber: true },
            orderBy: { batchNumber: 'asc' },
          });
          let next = write.insert.batchNumber + 1n;
          const promote: bigint[] = [];
          for (const h of held) {
            if (h.batchNumber !== next) break;
            promote.push(h.batchNumber);
            next += 1n;
          }
          if (promote.length > 0) {
            await tx.batch.updateMany({
              where: { chainId: write.insert.chainId, batchNumber: { in: promote } },
              data: { status: 'received' },
            });
          }
        }
      }
      if (write.equivocation) {
        await tx.equivocation.createMany({ data: [write.equivocation], skipDuplicates: true });
      }
      if (write.flagChain !== undefined) {
        await tx.chain.update({ where: { chainId: write.flagChain }, data: { status: 'flagged' } });
      }
      await tx.consumerCheckpoint.upsert({
        where: { consumer_topic_partition: { consumer, topic, partition } },
        create: { consumer, topic, partition, offset },
        update: { offset },
      });
    });
  }
}
