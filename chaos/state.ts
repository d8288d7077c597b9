import type { Devnet } from '@interop/devnet';
import { clientsFor, DEVNET_KEYS } from '@interop/devnet';
import { interopHandlerAbi, interopHubAbi } from '@interop/contracts';
import { Client } from 'pg';

/**
 * What bad input must not change: every table of the trusted state (chains, batches, epochs, messages and their
 * events, the ledger, fee policies, the chain apps' sealed batches, chain-tree frontiers and imported roots, the bridge's settled epochs),
 * the L1 root and each handler's latest imported epoch. Left out: consumer and watcher checkpoints (they advance
 * past every record, bad ones included), the watchers' block cache, and the bridge's intake of untrusted message
 * records (bridge_intake_records / bridge_batches), which stores candidates until a batch root verifies them:
 * those are reported as a separate delta, with the number of batches that became verified (must be 0).
 */
export type StateSnapshot = Record<string, string>;

const TABLES = [
  'chains',
  'batches',
  'equivocations',
  'epochs',
  'messages',
  'message_events',
  'fee_policies',
  'ledger_accounts',
  'journal_entries',
  'postings',
  'chain_messages',
  'sealed_batches',
  'chain_tree_frontiers',
  'imported_roots',
  'bridge_epochs',
];

export async function snapshotState(devnet: Devnet): Promise<StateSnapshot> {
  const db = new Client({ connectionString: devnet.databaseUrl });
  await db.connect();
  const out: StateSnapshot = {};
  try {
    for (const t of TABLES) {
      const r = await db.query<{ n: string; h: string | null }>(
        `select count(*)::text as n, md5(string_agg(md5(x::text), ',' order by md5(x::text))) as h from ${t} x`,
      );
      out[t] = `${r.rows[0]?.n}:${r.rows[0]?.h ?? '-'}`;
    }
    for (const t of ['bridge_intake_records', 'bridge_batches']) {
      const r = await db.query<{ n: string }>(`select count(*)::text as n from ${t}`);
      out[`untrusted:${t}`] = r.rows[0]?.n ?? '0';
    }
    const v = await db.query<{ n: string }>(
      `select count(*)::text as n from bridge_batches where status in ('verified', 'settled')`,
    );
    out['bridge_batches:verified_or_settled'] = v.rows[0]?.n ?? '0';
  } finally {
    await db.end();
  }
  const l1 = clientsFor(devnet.l1.chainId, devnet.l1.rpcUrl, DEVNET_KEYS.deployer).publicClient;
  out['l1:epoch'] = String(
    await l1.readContract({ address: devnet.l1.hub, abi: interopHubAbi, functionName: 'epoch' }),
  );
  out['l1:sharedRoot'] = await l1.readContract({
    address: devnet.l1.hub,
    abi: interopHubAbi,
    functionName: 'sharedRoot',
  });
  for (const c of devnet.chains) {
    const pc = clientsFor(c.chainId, c.rpcUrl, DEVNET_KEYS.deployer).publicClient;
    out[`l2:${c.chainId}:latestEpoch`] = String(
      await pc
        .readContract({ address: c.handler, abi: interopHandlerAbi, functionName: 'latestEpoch' })
        .catch(() => 'n/a'),
    );
  }
  return out;
}

/** Keys whose value differs (ignoring the `untrusted:` counters, reported apart). */
export function diffState(a: StateSnapshot, b: StateSnapshot): string[] {
  return Object.keys({ ...a, ...b }).filter((k) => !k.startsWith('untrusted:') && a[k] !== b[k]);
}

/** Polls until two snapshots `gapMs` apart are equal (nothing in flight), or the deadline. */
export async function waitQuiet(
  devnet: Devnet,
  gapMs: number,
  timeoutMs: number,
): Promise<{ quiet: boolean; snapshot: StateSnapshot; changing: string[] }> {
  const deadline = Date.now() + timeoutMs;
  let prev = await snapshotState(devnet);
  for (;;) {
    await new Promise((r) => setTimeout(r, gapMs));
    const next = await snapshotState(devnet);
    const changing = diffState(prev, next);
    if (changing.length === 0) return { quiet: true, snapshot: next, changing };
    if (Date.now() > deadline) return { quiet: false, snapshot: next, changing };
    prev = next;
  }
}
