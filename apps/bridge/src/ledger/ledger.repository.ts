import { Injectable } from '@nestjs/common';

import type { Tx } from '../common/prismaTypes';
import type { JournalEntryDraft } from './ledgerRules';

/**
 * Writes journal entries (Postgres; the deferred trigger of the init migration rejects an unbalanced entry at
 * commit). Posting is idempotent by `idempotencyKey`: a redelivered event maps to the same key and books nothing.
 */
@Injectable()
export class LedgerRepository {
  /** Posts `draft` inside `tx` unless its key was posted before; resolves whether it was new. */
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
}
