import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

import { migrate, MigrationError, readMigrations } from '@interop/migrate';
import { createScratchDatabase, type ScratchDatabase } from './createScratchDatabase';
import { PrismaService } from './prismaService';

const ROOT = join(__dirname, '..', '..', '..', '..');
const TWO_POW_255 = 2n ** 255n;
const ETH = '0x' + '00'.repeat(32);

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('Prisma through @prisma/adapter-pg on a database migrated by scripts/migrate.ts', () => {
  let db: ScratchDatabase;
  let prisma: PrismaService;

  beforeAll(async () => {
    db = await createScratchDatabase('it_prisma');
    const result = await migrate(db.url);
    expect(result.applied).toEqual(readMigrations().map((m) => m.name));
    prisma = new PrismaService({ databaseUrl: db.url, maxConnections: 2 });
    await prisma.onModuleInit();
    await prisma.ledgerAccount.createMany({
      data: [
        { code: 'user_fees_receivable', name: 'fees paid by users', type: 'asset' },
        { code: 'fee_revenue', name: 'interop fee revenue', type: 'revenue' },
      ],
    });
  });

  afterAll(async () => {
    await prisma?.onModuleDestroy();
    await db?.drop();
  });

  it('records the migration as Prisma does (sha256 checksum, finished, one step) and a rerun is a no-op', async () => {
    const rows = await sql<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      db.url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY started_at',
    );
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(
      readMigrations().map((m) => [m.name, m.checksum, 1]),
    );
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);

    const again = await migrate(db.url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(readMigrations().map((m) => m.name));
    const count = await sql<{ n: string }>(db.url, 'SELECT count(*)::text AS n FROM "_prisma_migrations"');
    expect(count[0]!.n).toBe(String(readMigrations().length));
  });

  it('the migrated database matches prisma/schema.prisma (schema engine diff is empty)', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'tsx', 'scripts/migrate.ts', '--check'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url },
    });
    expect(stdout).toContain('matches prisma/schema.prisma');
  }, 60_000);

  it('writes and reads a chain, a message with a 2^255 amount, and a balanced journal entry', async () => {
    await prisma.chain.create({ data: { chainId: 901n, name: 'alpha', operator: '0x' + '11'.repeat(20), slot: 0 } });
    const messageId = '0x' + 'ab'.repeat(32);
    await prisma.message.create({
      data: {
        id: messageId,
        srcChainId: 901n,
        dstChainId: 902n,
        nonce: '0',
        sender: '0x' + '22'.repeat(20),
        recipient: '0x' + '33'.repeat(20),
        kind: 'token',
        payload: '0x',
        assetId: ETH,
        amount: TWO_POW_255.toString(),
        fee: (TWO_POW_255 - 1n).toString(),
        gasLimit: '200000',
        events: { create: { status: 'sent' } },
      },
    });
    await prisma.journalEntry.create({
      data: {
        kind: 'fee_charged',
        messageId,
        idempotencyKey: `fee:${messageId}`,
        postings: {
          create: [
            { accountCode: 'user_fees_receivable', amount: TWO_POW_255.toString(), currency: ETH, chainId: 901n },
            { accountCode: 'fee_revenue', amount: (-TWO_POW_255).toString(), currency: ETH, chainId: 901n },
          ],
        },
      },
    });

    const chain = await prisma.chain.findUniqueOrThrow({ where: { chainId: 901n } });
    expect(chain).toMatchObject({ chainId: 901n, name: 'alpha', slot: 0, status: 'active' });
    const message = await prisma.message.findUniqueOrThrow({ where: { id: messageId }, include: { events: true } });
    expect(message.amount.toFixed()).toBe(TWO_POW_255.toString());
    expect(BigInt(message.amount.toFixed())).toBe(TWO_POW_255);
    expect(BigInt(message.fee.toFixed())).toBe(TWO_POW_255 - 1n);
    expect(message.events.map((e) => e.status)).toEqual(['sent']);
    const entry = await prisma.journalEntry.findUniqueOrThrow({
      where: { idempotencyKey: `fee:${messageId}` },
      include: { postings: { orderBy: { id: 'asc' } } },
    });
    expect(entry.postings.map((p) => BigInt(p.amount.toFixed()))).toEqual([TWO_POW_255, -TWO_POW_255]);
    // The same value read with plain SQL: Postgres holds all 77 digits, nothing was rounded on the way in.
    const raw = await sql<{ amount: string }>(db.url, 'SELECT amount::text FROM messages WHERE id = $1', [messageId]);
    expect(raw[0]!.amount).toBe(TWO_POW_255.toString());
  });

  it('the database rejects an unbalanced journal entry at commit and keeps nothing of it', async () => {
    const attempt = prisma.journalEntry.create({
      data: {
        kind: 'fee_charged',
        idempotencyKey: 'unbalanced-1',
        postings: {
          create: [
            { accountCode: 'user_fees_receivable', amount: '5', currency: ETH, chainId: 901n },
            { accountCode: 'fee_revenue', amount: '-4', currency: ETH, chainId: 901n },
          ],
        },
      },
    });
    await expect(attempt).rejects.toThrow(/unbalanced/);
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: 'unbalanced-1' } })).toBe(0);
  });

  it('the database rejects an entry that balances overall but not per currency, and a one-posting entry', async () => {
    const otherAsset = '0x' + '01'.repeat(32);
    await expect(
      prisma.journalEntry.create({
        data: {
          kind: 'fee_charged',
          idempotencyKey: 'mixed-currency',
          postings: {
            create: [
              { accountCode: 'user_fees_receivable', amount: '5', currency: ETH, chainId: 901n },
              { accountCode: 'fee_revenue', amount: '-5', currency: otherAsset, chainId: 901n },
            ],
          },
        },
      }),
    ).rejects.toThrow(/unbalanced/);
    await expect(
      prisma.journalEntry.create({ data: { kind: 'empty', idempotencyKey: 'no-postings' } }),
    ).rejects.toThrow(/at least two/);
  });

  it('refuses to migrate when an applied migration file no longer matches its recorded checksum', async () => {
    const name = readMigrations()[0]!.name;
    await sql(db.url, `UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2`, [
      '0'.repeat(64),
      name,
    ]);
    try {
      await expect(migrate(db.url)).rejects.toMatchObject({ code: 'MIGRATION_CHECKSUM_MISMATCH' });
      await expect(migrate(db.url)).rejects.toBeInstanceOf(MigrationError);
    } finally {
      await sql(db.url, `UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2`, [
        readMigrations()[0]!.checksum,
        name,
      ]);
    }
    expect((await migrate(db.url)).applied).toEqual([]);
  });
});

describe('scripts/migrate.ts on a fresh database', () => {
  it('two concurrent runs apply each migration exactly once (advisory lock)', async () => {
    const db = await createScratchDatabase('it_migrate_lock');
    try {
      const [a, b] = await Promise.all([migrate(db.url), migrate(db.url)]);
      const names = readMigrations().map((m) => m.name);
      expect([...a.applied, ...b.applied].sort()).toEqual(names);
      const rows = await sql<{ n: string }>(db.url, 'SELECT count(*)::text AS n FROM "_prisma_migrations"');
      expect(rows[0]!.n).toBe(String(names.length));
    } finally {
      await db.drop();
    }
  });

  it('a failing migration is rolled back entirely and not recorded', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    mkdirSync(join(dir, '20260101000000_ok'));
    writeFileSync(join(dir, '20260101000000_ok', 'migration.sql'), 'CREATE TABLE a (id int);');
    mkdirSync(join(dir, '20260101000001_broken'));
    writeFileSync(
      join(dir, '20260101000001_broken', 'migration.sql'),
      'CREATE TABLE b (id int);\nSELECT * FROM no_such_table;',
    );
    const db = await createScratchDatabase('it_migrate_fail');
    try {
      await expect(migrate(db.url, () => {}, dir)).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
      const tables = await sql<{ t: string | null }>(
        db.url,
        `SELECT to_regclass('a')::text AS t UNION ALL SELECT to_regclass('b')::text`,
      );
      expect(tables.map((r) => r.t)).toEqual(['a', null]);
      const rows = await sql<{ migration_name: string }>(db.url, 'SELECT migration_name FROM "_prisma_migrations"');
      expect(rows.map((r) => r.migration_name)).toEqual(['20260101000000_ok']);
    } finally {
      await db.drop();
    }
  });
});
