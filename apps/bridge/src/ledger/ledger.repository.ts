import { Injectable } from '@nestjs/common';

import type { Tx } from '../common/prismaTypes';
import type { JournalEntryDraft } from './ledgerRules';

/**
 * Writes journal entries (Postgres; the deferred trigger of the init migration rejects an unbalanced entry at
 * commit). Posting is idempotent by `idempotencyKey`: a redelivered event maps to the same key and books nothing.
 */
@Injectable()
export class LedgerRepository {
  /**
   * Posts `draft` inside `tx` unless its key was posted before; resolves whether it was new. One entry at a time
   * (four statements): for the few single bookings (a retried delivery); batches go through {@link postMany}.
   */
  async post(tx: Tx, draft: JournalEntryDraft | null): Promise<boolean> {
    if (draft === null) return false;
    const existing = await tx.journalEntry.findUnique({ where: { idempotencyKey: draft.idempotencyKey } });
    if (existing) return false;
    const accounts = new Map(draft.postings.map((p) => [p.account.code, p.account]));
    await tx.ledgerAccount.createMany({ data: [...accounts.values()], skipDuplicates: true });
    await tx.journalEntry.create({
      data: {
        kind: draft.kind,
        messageId: draft.messageId,
        idempotencyKey: draft.idempotencyKey,
        memo: draft.memo,
        postings: {
          create: draft.postings.map((p) => ({
            accountCode: p.account.code,
            amount: p.amount.toString(),
            currency: p.currency,
            chainId: p.chainId,
          })),
        },
      },
    });
    return true;
  }

  /**
   * Posts every draft inside `tx` whose key was not posted before, set-based: one multi-row insert of the accounts
   * they name, then one statement inserting the entries (`ON CONFLICT (idempotency_key) DO NOTHING RETURNING`, so an
   * entry posted earlier, or by a concurrent transaction that committed first, is skipped without a lookup) and the
   * postings of exactly the entries inserted, from column arrays (`unnest`). Raw SQL because Prisma's createMany
   * spends ~0.75 ms of JavaScript per entry and its three postings (bench/relay/ledger.ts at load ~8: ~1,000 entries/s
   * with createMany, ~4,000 with this). A key repeated within `drafts` is posted once (the first). Resolves how many
   * entries were new.
   */
  async postMany(tx: Tx, drafts: ReadonlyArray<JournalEntryDraft | null>): Promise<number> {
    const byKey = new Map<string, JournalEntryDraft>();
    for (const d of drafts) if (d !== null && !byKey.has(d.idempotencyKey)) byKey.set(d.idempotencyKey, d);
    if (byKey.size === 0) return 0;
    const list = [...byKey.values()];
    const accounts = [
      ...new Map(list.flatMap((d) => d.postings.map((p) => [p.account.code, p.account] as const))).values(),
    ];
    await tx.$executeRaw`
      INSERT INTO ledger_accounts (code, name, type)
      SELECT * FROM unnest(
        ${accounts.map((a) => a.code)}::text[], ${accounts.map((a) => a.name)}::text[],
        ${accounts.map((a) => a.type)}::text[]::ledger_account_type[])
      ON CONFLICT (code) DO NOTHING`;
    const postings = list.flatMap((d) => d.postings.map((p) => ({ key: d.idempotencyKey, p })));
    const [row] = await tx.$queryRaw<Array<{ n: number }>>`
      WITH entries AS (
        INSERT INTO journal_entries (kind, message_id, idempotency_key, memo)
        SELECT * FROM unnest(
          ${list.map((d) => d.kind)}::text[], ${list.map((d) => d.messageId)}::text[],
          ${list.map((d) => d.idempotencyKey)}::text[], ${list.map((d) => d.memo)}::text[])
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING id, idempotency_key
      ), lines AS (
        INSERT INTO postings (entry_id, account_code, amount, currency, chain_id)
        SELECT entries.id, p.account_code, p.amount, p.currency, p.chain_id
        FROM entries JOIN unnest(
          ${postings.map((x) => x.key)}::text[], ${postings.map((x) => x.p.account.code)}::text[],
          ${postings.map((x) => x.p.amount.toString())}::text[]::numeric[], ${postings.map((x) => x.p.currency)}::text[],
          ${postings.map((x) => x.p.chainId.toString())}::text[]::bigint[]
        ) AS p(idempotency_key, account_code, amount, currency, chain_id) USING (idempotency_key)
      )
      SELECT count(*)::int AS n FROM entries`;
    return row?.n ?? 0;
  }
}
