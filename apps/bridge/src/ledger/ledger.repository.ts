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
   * they name, one of the entries (`ON CONFLICT (idempotency_key) DO NOTHING RETURNING`, so an entry posted earlier,
   * or by a concurrent transaction that committed first, is skipped without a lookup) and one of the postings of the
   * entries actually inserted. A key repeated within `drafts` is posted once (the first). Resolves how many entries
   * were new.
   */
  async postMany(tx: Tx, drafts: ReadonlyArray<JournalEntryDraft | null>): Promise<number> {
    const byKey = new Map<string, JournalEntryDraft>();
    for (const d of drafts) if (d !== null && !byKey.has(d.idempotencyKey)) byKey.set(d.idempotencyKey, d);
    if (byKey.size === 0) return 0;
    const list = [...byKey.values()];
    const accounts = new Map(list.flatMap((d) => d.postings.map((p) => [p.account.code, p.account] as const)));
    await tx.ledgerAccount.createMany({ data: [...accounts.values()], skipDuplicates: true });
    const created = await tx.journalEntry.createManyAndReturn({
      data: list.map((d) => ({
        kind: d.kind,
        messageId: d.messageId,
        idempotencyKey: d.idempotencyKey,
        memo: d.memo,
      })),
      skipDuplicates: true,
      select: { id: true, idempotencyKey: true },
    });
    if (created.length === 0) return 0;
    await tx.posting.createMany({
      data: created.flatMap((e) =>
        byKey.get(e.idempotencyKey)!.postings.map((p) => ({
          entryId: e.id,
          accountCode: p.account.code,
          amount: p.amount.toString(),
          currency: p.currency,
          chainId: p.chainId,
        })),
      ),
    });
    return created.length;
  }
}
