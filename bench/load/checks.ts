import { interopHandlerAbi } from '@interop/contracts';
import { httpJson, type Devnet } from '@interop/devnet';
import type pg from 'pg';
import { createPublicClient, http } from 'viem';

import type { SentTx } from './sender';

/** Blocks per eth_getLogs call. */
const LOG_RANGE = 500n;

/** Correctness after the load: exactly-once execution on chain and in the bridge, the ledger whole and balanced. */
export async function runChecks(
  devnet: Devnet,
  db: pg.Client,
  sent: Map<string, SentTx>,
  byTx: Map<string, { status: string; stages: Record<string, number> }>,
) {
  const failures: string[] = [];
  const notExecuted = [...sent.keys()].filter((h) => byTx.get(h)?.status !== 'executed').length;
  if (notExecuted > 0) failures.push(`${notExecuted} sent messages are not executed in the bridge`);

  const events = new Map<string, number>();
  for (const chain of devnet.chains) {
    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    const head = await client.getBlockNumber();
    // In block ranges: a long run's logs in one eth_getLogs answer exceed viem's 10 MB response limit.
    for (let from = 0n; from <= head; from += LOG_RANGE) {
      const logs = await client.getContractEvents({
        address: chain.handler,
        abi: interopHandlerAbi,
        eventName: 'MessageExecuted',
        fromBlock: from,
        toBlock: from + LOG_RANGE - 1n > head ? head : from + LOG_RANGE - 1n,
      });
      for (const l of logs)
        events.set(l.args.messageId!.toLowerCase(), (events.get(l.args.messageId!.toLowerCase()) ?? 0) + 1);
    }
  }
  const ids = await db.query<{ id: string }>(`SELECT lower(id) AS id FROM messages WHERE status = 'executed'`);
  const missingOnChain = ids.rows.filter((r) => (events.get(r.id) ?? 0) === 0).length;
  const twice = [...events.values()].filter((n) => n > 1).length;
  if (missingOnChain > 0) failures.push(`${missingOnChain} executed messages have no MessageExecuted event`);
  if (twice > 0) failures.push(`${twice} messages were executed more than once on chain`);

  const perMessage = await db.query<{ kind: string; bad: string; total: string }>(
    `SELECT k.kind,
            (SELECT count(*) FROM messages m WHERE (SELECT count(*) FROM journal_entries j WHERE j.message_id = m.id AND j.kind = k.kind) <> 1)::text AS bad,
            (SELECT count(*) FROM journal_entries j WHERE j.kind = k.kind)::text AS total
       FROM (VALUES ('fee_charged'), ('fee_earned')) AS k(kind)`,
  );
  for (const r of perMessage.rows)
    if (Number(r.bad) > 0) failures.push(`${r.bad} messages do not have exactly one ${r.kind} entry`);
  const unbalanced = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM (SELECT entry_id FROM postings GROUP BY entry_id, currency HAVING sum(amount) <> 0) x`,
  );
  if (Number(unbalanced.rows[0]!.n) > 0) failures.push(`${unbalanced.rows[0]!.n} journal entries do not balance`);
  const reconcile = await httpJson('GET', `${devnet.bridgeUrl}/accounting/reconcile`, undefined, devnet.adminToken);
  const reconcileOk = reconcile.status === 200 && (reconcile.body as { ok?: boolean }).ok === true;
  if (!reconcileOk) failures.push(`reconcile: ${reconcile.status} ${JSON.stringify(reconcile.body).slice(0, 300)}`);
  return {
    ok: failures.length === 0,
    failures,
    sent: sent.size,
    executedInBridge: sent.size - notExecuted,
    onChainExecutedEvents: [...events.values()].reduce((s, n) => s + n, 0),
    executedTwiceOnChain: twice,
    ledger: Object.fromEntries(perMessage.rows.map((r) => [r.kind, Number(r.total)])),
    unbalancedEntries: Number(unbalanced.rows[0]!.n),
    reconcileOk,
  };
}
