import { PrismaService } from '@interop/infra';
import { createScratchDatabase, type ScratchDatabase } from '@interop/infra/prisma/createScratchDatabase';

import { migrate } from '../../../scripts/migrate';
import { LedgerRepository } from '../src/ledger/ledger.repository';
import { RelayRepository } from '../src/relayer/relay.repository';

/** The relay lease on a real Postgres: racing relayer instances (own pools) never claim the same message. */
describe('relay leases (real Postgres)', () => {
  let db: ScratchDatabase;
  const pools: PrismaService[] = [];

  beforeAll(async () => {
    db = await createScratchDatabase('it_bridge_lease');
    await migrate(db.url, () => undefined);
    for (let i = 0; i < 2; i++) {
      const p = new PrismaService({ databaseUrl: db.url, maxConnections: 4 });
      await p.onModuleInit();
      pools.push(p);
    }
    await pools[0]!.message.createMany({
      data: Array.from({ length: 40 }, (_, i) => ({
        id: `0x${i.toString(16).padStart(64, '0')}`,
        srcChainId: 501n,
        dstChainId: 502n,
        nonce: String(i),
        sender: `0x${'11'.repeat(20)}`,
        recipient: `0x${'22'.repeat(20)}`,
        kind: 'call' as const,
        payload: '0x',
        assetId: `0x${'00'.repeat(32)}`,
        amount: '0',
        fee: '100',
        gasLimit: '100000',
        status: 'proven' as const,
        epoch: 1n,
      })),
    });
  });

  afterAll(async () => {
    for (const p of pools) await p.onModuleDestroy();
    await db?.drop();
  });

  it('splits concurrent claims without overlap and hands expired leases over', async () => {
    const [a, b] = pools.map((p) => new RelayRepository(p, new LedgerRepository()));
    const rounds = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 === 0 ? a! : b!).claim(i % 2 === 0 ? 'relayer-a' : 'relayer-b', 60_000, 5),
      ),
    );
    const ids = rounds.flat().map((m) => m.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    // Everything is leased: another relayer gets nothing until the leases run out.
    expect(await b!.claim('relayer-c', 60_000, 50)).toEqual([]);
    await pools[0]!.message.updateMany({ data: { claimedUntil: new Date(Date.now() - 1) } });
    expect(await b!.claim('relayer-c', 60_000, 50)).toHaveLength(40);
  });
});
