import { PrismaService } from '@interop/infra';
import { Injectable, Inject } from '@nestjs/common';

import { Prisma } from '../common/prismaTypes';

/** Sum of postings per (account, currency). */
export type AccountTotal = { accountCode: string; currency: string; total: bigint };

/** Ledger and message aggregates for the accounting API. */
@Injectable()
export class AccountingRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** Posting totals per account and currency for entries created in [from, to), optionally on one chain. */
  async totals(p: {
    from?: Date | undefined;
    to?: Date | undefined;
    chainId?: bigint | undefined;
  }): Promise<AccountTotal[]> {
    const conditions = [Prisma.sql`TRUE`];
    if (p.from) conditions.push(Prisma.sql`e.created_at >= ${p.from}`);
    if (p.to) conditions.push(Prisma.sql`e.created_at < ${p.to}`);
    if (p.chainId !== undefined) conditions.push(Prisma.sql`p.chain_id = ${p.chainId}`);
    const rows = await this.prisma.$queryRaw<Array<{ account_code: string; currency: string; total: string }>>`
      SELECT p.account_code, p.currency, sum(p.amount)::text AS total
      FROM postings p JOIN journal_entries e ON e.id = p.entry_id
      WHERE ${Prisma.join(conditions, ' AND ')}
      GROUP BY p.account_code, p.currency
      ORDER BY p.account_code, p.currency`;
    return rows.map((r) => ({ accountCode: r.account_code, currency: r.currency, total: BigInt(r.total) }));
  }

  /** Journal entries with their postings, oldest first, after the entry id `afterId`. */
  async entries(p: {
    afterId?: bigint | undefined;
    limit: number;
    kind?: string | undefined;
    messageId?: string | undefined;
  }) {
    return this.prisma.journalEntry.findMany({
      where: {
        ...(p.afterId !== undefined ? { id: { gt: p.afterId } } : {}),
        ...(p.kind ? { kind: p.kind } : {}),
        ...(p.messageId ? { messageId: p.messageId.toLowerCase() } : {}),
      },
      include: { postings: { orderBy: { id: 'asc' } } },
      orderBy: { id: 'asc' },
      take: p.limit,
    });
  }

  /** Fees of messages from `src` the bridge knows of but has not booked (not yet proven). */
  async unbookedFees(src: bigint): Promise<bigint> {
    const rows = await this.prisma.$queryRaw<Array<{ total: string | null }>>`
      SELECT sum(fee)::text AS total FROM messages
      WHERE src_chain_id = ${src} AND status IN ('sent', 'batched')`;
    return BigInt(rows[0]?.total ?? '0');
  }

  /** Token assets seen in messages, with one payload each (to find the origin). */
  async tokenAssets(): Promise<Array<{ assetId: string; payload: string }>> {
    return this.prisma.$queryRaw<Array<{ assetId: string; payload: string }>>`
      SELECT DISTINCT ON (asset_id) asset_id AS "assetId", payload FROM messages WHERE kind = 'token' ORDER BY asset_id, created_at`;
  }

  /**
   * Amount of `assetId` in flight: locked or burned on the source but not (yet) delivered. Rejected messages (their
   * batch never settled with their root) are not real transfers and do not count.
   */
  async tokensInFlight(assetId: string): Promise<bigint> {
    const rows = await this.prisma.$queryRaw<Array<{ total: string | null }>>`
      SELECT sum(amount)::text AS total FROM messages
      WHERE kind = 'token' AND asset_id = ${assetId}
        AND (status IN ('sent', 'batched', 'proven', 'relaying') OR (status = 'failed' AND epoch IS NOT NULL))`;
    return BigInt(rows[0]?.total ?? '0');
  }
}
