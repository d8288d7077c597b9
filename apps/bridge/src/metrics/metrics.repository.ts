import { PrismaService } from '@interop/infra';
import { Inject, Injectable } from '@nestjs/common';

export type BridgeSnapshot = {
  messagesByStatus: Array<{ status: string; dstChainId: bigint; count: number }>;
  /** Age in seconds of the oldest message that is not executed yet (null: none waiting), per destination. */
  oldestWaiting: Array<{ dstChainId: bigint; seconds: number }>;
  journalEntriesByKind: Array<{ kind: string; count: number }>;
  /** Destination gas (units, not wei) of executed messages, per destination chain. */
  relayGasUnits: Array<{ dstChainId: bigint; gas: bigint }>;
  batchesByStatus: Array<{ status: string; count: number }>;
  latestEpoch: bigint | null;
};

/** Read-only aggregates of the bridge's tables for the Prometheus scrape (a few GROUP BYs on indexed columns). */
@Injectable()
export class MetricsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async snapshot(): Promise<BridgeSnapshot> {
    const [byStatus, oldest, entries, gas, batches, epoch] = await Promise.all([
      this.prisma.message.groupBy({ by: ['status', 'dstChainId'], _count: { _all: true } }),
      this.prisma.$queryRaw<Array<{ dst_chain_id: bigint; seconds: number }>>`
        SELECT dst_chain_id, EXTRACT(EPOCH FROM (now() - MIN(created_at)))::float8 AS seconds
        FROM messages WHERE status NOT IN ('executed', 'failed') GROUP BY dst_chain_id`,
      this.prisma.journalEntry.groupBy({ by: ['kind'], _count: { _all: true } }),
      this.prisma.$queryRaw<Array<{ dst_chain_id: bigint; gas: string }>>`
        SELECT dst_chain_id, COALESCE(SUM(gas_used), 0)::text AS gas
        FROM messages WHERE gas_used IS NOT NULL GROUP BY dst_chain_id`,
      this.prisma.bridgeBatch.groupBy({ by: ['status'], _count: { _all: true } }),
      this.prisma.bridgeEpoch.aggregate({ _max: { epoch: true } }),
    ]);
    return {
      messagesByStatus: byStatus.map((r) => ({ status: r.status, dstChainId: r.dstChainId, count: r._count._all })),
      oldestWaiting: oldest.map((r) => ({ dstChainId: r.dst_chain_id, seconds: Number(r.seconds) })),
      journalEntriesByKind: entries.map((r) => ({ kind: r.kind, count: r._count._all })),
      relayGasUnits: gas.map((r) => ({ dstChainId: r.dst_chain_id, gas: BigInt(r.gas) })),
      batchesByStatus: batches.map((r) => ({ status: r.status, count: r._count._all })),
      latestEpoch: epoch._max.epoch,
    };
  }
}
