import { PrismaService } from '@interop/infra';
import { Inject, Injectable } from '@nestjs/common';

/** The newest batch the hub ingested from one chain, and how many of its batches wait for an epoch. */
export type LatestBatchRecord = {
  chainId: bigint;
  batchNumber: bigint;
  batchRoot: string;
  messageCount: number;
  firstBlock: bigint;
  lastBlock: bigint;
  status: string;
  epoch: bigint | null;
  receivedAt: Date;
  batchesTotal: number;
  batchesPending: number;
};

/** A recent epoch, without its proof and witnesses. */
export type EpochSummaryRecord = {
  number: bigint;
  status: string;
  root: string;
  prevRoot: string;
  updatesCount: number;
  l1TxHash: string | null;
  l1Block: bigint | null;
  gasUsed: string | null;
  provingMs: number | null;
  hasProof: boolean;
  createdAt: Date;
  settledAt: Date | null;
};

/** Read-only queries of the operator overview (batches per chain, recent epochs). */
@Injectable()
export class OverviewRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async latestBatches(): Promise<LatestBatchRecord[]> {
    const chains = await this.prisma.chain.findMany({ select: { chainId: true }, orderBy: { chainId: 'asc' } });
    const out: LatestBatchRecord[] = [];
    for (const { chainId } of chains) {
      const latest = await this.prisma.batch.findFirst({ where: { chainId }, orderBy: { batchNumber: 'desc' } });
      if (!latest) continue;
      const [batchesTotal, batchesPending] = await Promise.all([
        this.prisma.batch.count({ where: { chainId } }),
        this.prisma.batch.count({ where: { chainId, epoch: null } }),
      ]);
      out.push({
        chainId,
        batchNumber: latest.batchNumber,
        batchRoot: latest.batchRoot,
        messageCount: latest.messageCount,
        firstBlock: latest.firstBlock,
        lastBlock: latest.lastBlock,
        status: latest.status,
        epoch: latest.epoch,
        receivedAt: latest.receivedAt,
        batchesTotal,
        batchesPending,
      });
    }
    return out;
  }

  async recentEpochs(limit: number): Promise<EpochSummaryRecord[]> {
    const rows = await this.prisma.epoch.findMany({
      orderBy: { number: 'desc' },
      take: limit,
      select: {
        number: true,
        status: true,
        root: true,
        prevRoot: true,
        updates: true,
        l1TxHash: true,
        l1Block: true,
        gasUsed: true,
        provingMs: true,
        proof: true,
        createdAt: true,
        settledAt: true,
      },
    });
    return rows.map((r) => ({
      number: r.number,
      status: r.status,
      root: r.root,
      prevRoot: r.prevRoot,
      updatesCount: Array.isArray(r.updates) ? r.updates.length : 0,
      l1TxHash: r.l1TxHash,
      l1Block: r.l1Block,
      gasUsed: r.gasUsed?.toFixed() ?? null,
      provingMs: r.provingMs,
      hasProof: r.proof !== null,
      createdAt: r.createdAt,
      settledAt: r.settledAt,
    }));
  }
}
