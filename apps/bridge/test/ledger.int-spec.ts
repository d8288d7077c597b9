import { PrismaService } from '@interop/infra';
import { createScratchDatabase, type ScratchDatabase } from '@interop/infra/prisma/createScratchDatabase';

import { migrate } from '../../../scripts/migrate';
import { LedgerRepository } from '../src/ledger/ledger.repository';
import { feeChargedEntry, feeEarnedEntry, relayGasEntry, type JournalEntryDraft } from '../src/ledger/ledgerRules';

/** Set-based posting on a real Postgres (the migrations' balance trigger included). */
describe('LedgerRepository.postMany (real Postgres)', () => {
  let db: ScratchDatabase;
  let prisma: PrismaService;
  const ledger = new LedgerRepository();
  const id = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
  const split = { burnBps: 2_000, stakingBps: 3_000, treasuryBps: 5_000, version: 1 };
  const entriesOf = (n: number): JournalEntryDraft[] => [
    feeChargedEntry({ id: id(n), srcChainId: 501n, fee: 10_000n + BigInt(n) })!,
    relayGasEntry({ messageId: id(n), dstChainId: 502n, txHash: `0x${'ee'.repeat(32)}`, gasCost: 7_000n })!,
    feeEarnedEntry({ messageId: id(n), srcChainId: 501n, fee: 10_000n + BigInt(n), gasCostInSource: 7_000n, split })
      .entry!,
  ];
  const post = (drafts: Array<JournalEntryDraft | null>) => prisma.$transaction((tx) => ledger.postMany(tx, drafts));

  beforeAll(async () => {
    db = await createScratchDatabase('it_bridge_ledger');
    await migrate(db.url, () => undefined);
    prisma = new PrismaService({ databaseUrl: db.url, maxConnections: 4 });
    await prisma.onModuleInit();
    await prisma.message.createMany({
      data: Array.from({ length: 10 }, (_, n) => ({
        id: id(n),
        srcChainId: 501n,
        dstChainId: 502n,
        nonce: String(n),
        sender: `0x${'11'.repeat(20)}`,
        recipient: `0x${'22'.repeat(20)}`,
        kind: 'call' as const,
        payload: '0x',
        assetId: `0x${'00'.repeat(32)}`,
        amount: '0',
        fee: String(10_000 + n),
        gasLimit: '100000',
      })),
    });
  });

  afterAll(async () => {
    await prisma?.onModuleDestroy();
    await db?.drop();
  });

  it('books each new entry once with exactly its postings, skipping keys posted before and repeated ones', async () => {
    const first = [...entriesOf(0), ...entriesOf(1)];
    expect(await post([...first, null, first[0]!])).toBe(6);
    // Posted again with new ones: only the new ones count, nothing is duplicated.
    expect(await post([...first, ...entriesOf(2)])).toBe(3);
    expect(await post(first)).toBe(0);
    expect(await post([])).toBe(0);
    const stored = await prisma.journalEntry.findMany({ include: { postings: true }, orderBy: { id: 'asc' } });
    expect(stored).toHaveLength(9);
    for (const draft of [...first, ...entriesOf(2)]) {
      const entry = stored.find((e) => e.idempotencyKey === draft.idempotencyKey)!;
      expect(entry).toMatchObject({ kind: draft.kind, messageId: draft.messageId, memo: draft.memo });
      expect(entry.postings.map((p) => [p.accountCode, p.amount.toFixed(), p.currency, p.chainId]).sort()).toEqual(
        draft.postings.map((p) => [p.account.code, p.amount.toString(), p.currency, p.chainId]).sort(),
      );
    }
    const accounts = await prisma.ledgerAccount.findMany();
    expect(accounts.map((a) => a.code).sort()).toEqual(
      [...new Set(first.flatMap((d) => d.postings.map((p) => p.account.code)))].sort(),
    );
  });

  it('books the same entries once when two transactions post them concurrently', async () => {
    const drafts = [...entriesOf(3), ...entriesOf(4)];
    const counts = await Promise.all([post(drafts), post([...drafts].reverse())]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(6);
    expect(await prisma.journalEntry.count({ where: { messageId: { in: [id(3), id(4)] } } })).toBe(6);
  });

  it('is rejected as a whole, at commit, when one entry does not balance', async () => {
    const good = entriesOf(5)[0]!;
    const bad: JournalEntryDraft = {
      ...entriesOf(6)[0]!,
      postings: entriesOf(6)[0]!.postings.map((p, i) => (i === 0 ? { ...p, amount: p.amount + 1n } : p)),
    };
    await expect(post([good, bad])).rejects.toThrow(/unbalanced/);
    expect(await prisma.journalEntry.count({ where: { messageId: { in: [id(5), id(6)] } } })).toBe(0);
  });
});
