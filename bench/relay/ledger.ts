/**
 * Ledger write capacity of the bridge (`npx tsx bench/relay/ledger.ts [entries per round] [rounds]`, defaults 3000
 * and 4; needs Postgres: DATABASE_URL's server or the local trust-auth one). Into a scratch database with the real
 * migrations (the deferred balance trigger included), through the bridge's LedgerRepository, the entries a relay
 * books for N messages: per message one fee_charged (2 postings), one relay_gas (2) and one fee_earned (5), the mix
 * of the real flow. Side by side, interleaved round by round on fresh keys:
 *
 * - `post`, one entry at a time (a lookup, the accounts, the entry with its postings: what every booking did before),
 *   N entries in one database transaction;
 * - `postMany`, set-based: `chunk` entries (1,000) per database transaction, accounts in one statement, entries
 *   (ON CONFLICT DO NOTHING RETURNING) and their postings in another;
 * - the same with the migration's balance trigger switched off for the transaction (session_replication_role =
 *   replica), to show how much of the time the trigger takes. Not a way to run the ledger.
 *
 * Prints JSON and stores it as `ledger` in bench/results/relay.json (the relay runs in that file are kept).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

import { PrismaService } from '@interop/infra';
import { createScratchDatabase } from '@interop/infra/prisma/createScratchDatabase';

import { migrate } from '../../scripts/migrate';
import { LedgerRepository } from '../../apps/bridge/src/ledger/ledger.repository';
import {
  feeChargedEntry,
  feeEarnedEntry,
  relayGasEntry,
  type JournalEntryDraft,
} from '../../apps/bridge/src/ledger/ledgerRules';

const ENTRIES = Number(process.argv[2] ?? 3000);
const ROUNDS = Number(process.argv[3] ?? 4);
const CHUNK = 1_000;
const SRC = 501n;
const DST = 502n;
const split = { burnBps: 2_000, stakingBps: 3_000, treasuryBps: 5_000, version: 1 };
const round = (x: number) => Number(x.toFixed(1));

/** The entries of `entries / 3` messages (ids `0x<tag><n>`), in the order a relay books them. */
function drafts(tag: string, entries: number): { ids: string[]; drafts: JournalEntryDraft[] } {
  const ids: string[] = [];
  const out: JournalEntryDraft[] = [];
  for (let i = 0; i < Math.ceil(entries / 3); i++) {
    const id = `0x${tag}${i.toString(16).padStart(64 - tag.length, '0')}`;
    ids.push(id);
    const txHash = `0x${(i >> 4).toString(16).padStart(64, 'f')}`;
    out.push(
      feeChargedEntry({ id, srcChainId: SRC, fee: 1_000_000n + BigInt(i) })!,
      relayGasEntry({ messageId: id, dstChainId: DST, txHash, gasCost: 70_000n * 10n ** 9n })!,
      feeEarnedEntry({ messageId: id, srcChainId: SRC, fee: 1_000_000n + BigInt(i), gasCostInSource: 400_000n, split })
        .entry!,
    );
  }
  return { ids, drafts: out.slice(0, entries) };
}

async function main(): Promise<void> {
  const loadBefore = loadavg().map((x) => Number(x.toFixed(2)));
  const db = await createScratchDatabase('bench_ledger');
  const prisma = new PrismaService({ databaseUrl: db.url });
  try {
    await migrate(db.url, () => undefined);
    await prisma.onModuleInit();
    const ledger = new LedgerRepository();
    const message = (id: string, i: number) => ({
      id,
      srcChainId: SRC,
      dstChainId: DST,
      nonce: String(i),
      sender: `0x${'11'.repeat(20)}`,
      recipient: `0x${'22'.repeat(20)}`,
      kind: 'call' as const,
      payload: '0x',
      assetId: `0x${'00'.repeat(32)}`,
      amount: '0',
      fee: '1000000',
      gasLimit: '150000',
    });
    const ways = {
      post: async (list: JournalEntryDraft[]) => {
        await prisma.$transaction(
          async (tx) => {
            for (const d of list) await ledger.post(tx, d);
          },
          { timeout: 600_000 },
        );
      },
      postMany: async (list: JournalEntryDraft[]) => {
        for (let i = 0; i < list.length; i += CHUNK) {
          await prisma.$transaction((tx) => ledger.postMany(tx, list.slice(i, i + CHUNK)), { timeout: 600_000 });
        }
      },
      // Where the time goes, not a way to run: the same, with the migration's balance trigger off for the transaction.
      postManyWithoutBalanceTrigger: async (list: JournalEntryDraft[]) => {
        for (let i = 0; i < list.length; i += CHUNK) {
          await prisma.$transaction(
            async (tx) => {
              await tx.$executeRaw`SET LOCAL session_replication_role = replica`;
              await ledger.postMany(tx, list.slice(i, i + CHUNK));
            },
            { timeout: 600_000 },
          );
        }
      },
    };
    const samples: Record<keyof typeof ways, number[]> = { post: [], postMany: [], postManyWithoutBalanceTrigger: [] };
    let nonce = 0;
    for (let r = 0; r < ROUNDS; r++) {
      // Interleaved, the order alternating per round, each way on keys of its own.
      const ways3: Array<keyof typeof ways> = ['post', 'postMany', 'postManyWithoutBalanceTrigger'];
      const order = ways3.map((_, k) => ways3[(k + r) % ways3.length]!);
      for (const way of order) {
        const { ids, drafts: list } = drafts(`${ways3.indexOf(way).toString(16)}${r}`, ENTRIES);
        await prisma.message.createMany({ data: ids.map((id) => message(id, nonce++)) });
        // Fresh statistics, as autovacuum keeps them on a live database: a plan made for the empty tables of a new
        // database (the balance trigger's lookups by entry) would scan the growing tables instead.
        await prisma.$executeRaw`ANALYZE journal_entries, postings, ledger_accounts`;
        const t = process.hrtime.bigint();
        await ways[way](list);
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        samples[way].push((list.length * 1000) / ms);
        process.stderr.write(`round ${r} ${way}: ${round((list.length * 1000) / ms)} entries/s\n`);
      }
    }
    const written = await prisma.journalEntry.count();
    const postings = await prisma.posting.count();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const result = {
      bench: 'relay/ledger',
      at: new Date().toISOString(),
      command: `npx tsx bench/relay/ledger.ts ${ENTRIES} ${ROUNDS}`,
      loadavg: { before: loadBefore, after: loadavg().map((x) => Number(x.toFixed(2))) },
      entriesPerRound: ENTRIES,
      rounds: ROUNDS,
      postingsPerEntry: round(postings / written),
      mix: 'per message: fee_charged (2 postings), relay_gas (2), fee_earned (5)',
      entriesPerSecond: {
        post: { median: round(median(samples.post)), samples: samples.post.map(round) },
        postMany: { median: round(median(samples.postMany)), samples: samples.postMany.map(round), chunk: CHUNK },
        postManyWithoutBalanceTrigger: {
          median: round(median(samples.postManyWithoutBalanceTrigger)),
          samples: samples.postManyWithoutBalanceTrigger.map(round),
          note: 'session_replication_role = replica: the deferred balance trigger of the init migration does not run',
        },
      },
    };
    const out = join(__dirname, '..', 'results', 'relay.json');
    const stored = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
    writeFileSync(out, `${JSON.stringify({ ...stored, bench: 'relay', ledger: result }, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await prisma.onModuleDestroy();
    await db.drop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
