import { readdirSync, readFileSync } from 'node:fs';

import pg from 'pg';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

type ProcStat = { pid: number; ppid: number; cpuTicks: number };

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
    const n = (field: number) => Number(fields[field - 3]);
    return { pid, ppid: n(4), cpuTicks: n(14) + n(15) + n(16) + n(17) };
  } catch {
    return undefined;
  }
}

/**
 * CPU time (ms) each named process has used with its descendants, from /proc: the apps are node processes that may
 * start workers or child processes (snarkjs, tsx), so each root's whole tree counts, except the subtrees of the other
 * roots. cutime/cstime add the children that exited (and were waited for).
 */
export function cpuMsByProcess(roots: Array<{ name: string; pid: number }>): Record<string, number> {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const s = readStat(pid);
    if (s) stats.push(s);
  }
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const rootPids = new Set(roots.map((r) => r.pid));
  const out: Record<string, number> = {};
  for (const root of roots) {
    let ticks = 0;
    const stack = [byPid.get(root.pid)].filter((s): s is ProcStat => s !== undefined);
    while (stack.length > 0) {
      const s = stack.pop()!;
      ticks += s.cpuTicks;
      // Another root below this one (the generator started every app) counts under its own name.
      stack.push(...(children.get(s.pid) ?? []).filter((c) => !rootPids.has(c.pid)));
    }
    out[root.name] = (ticks * 1000) / TICKS_PER_SECOND;
  }
  return out;
}

/** The bridge's messages per status (sent, batched, proven, relaying, executed, failed). */
export async function messagesByStatus(db: pg.Client): Promise<Record<string, number>> {
  const r = await db.query<{ status: string; n: string }>(
    'SELECT status::text AS status, count(*)::text AS n FROM messages GROUP BY status',
  );
  return Object.fromEntries(r.rows.map((row) => [row.status, Number(row.n)]));
}

/** The ledger's journal entries per kind. */
export async function entriesByKind(db: pg.Client): Promise<Record<string, number>> {
  const r = await db.query<{ kind: string; n: string }>(
    'SELECT kind, count(*)::text AS n FROM journal_entries GROUP BY kind',
  );
  return Object.fromEntries(r.rows.map((row) => [row.kind, Number(row.n)]));
}

/** The chain apps' view (same database): messages scanned, sealed into batches, and published to Kafka. */
export async function chainProgress(db: pg.Client): Promise<{ scanned: number; sealed: number; published: number }> {
  const r = await db.query<{ scanned: string; sealed: string; published: string }>(
    `SELECT (SELECT count(*) FROM chain_messages)::text AS scanned,
            (SELECT count(batch_number) FROM chain_messages)::text AS sealed,
            (SELECT coalesce(sum(message_count), 0) FROM sealed_batches WHERE published_at IS NOT NULL)::text AS published`,
  );
  const row = r.rows[0]!;
  return { scanned: Number(row.scanned), sealed: Number(row.sealed), published: Number(row.published) };
}
