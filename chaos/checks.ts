import { bridgedTokenAbi, interopHandlerAbi, interopHubAbi, nativeTokenVaultAbi } from '@interop/contracts';
import { clientsFor, DEVNET_KEYS, httpJson, type Devnet } from '@interop/devnet';
import { Client } from 'pg';
import { fieldToBytes32 } from '@interop/protocol';
import { zeroAddress, type Address, type Hex } from 'viem';

import { replayL1, shapeLabel } from './l1';

const CALL_RECORDER_ABI = [
  { type: 'function', name: 'calls', stateMutability: 'view', inputs: [], outputs: [{ type: 'uint256' }] },
] as const;

/** What the checks expect to have executed (sent and not reorged out) and what must never execute. */
export type Expectation = {
  id: Hex;
  src: bigint;
  dst: bigint;
  kind: 'token' | 'call';
  token?: Address;
  amount?: bigint;
  recorder?: Address;
};

export type ChecksResult = {
  ok: boolean;
  messages: {
    expected: number;
    executedOnChain: number;
    failedOnChain: number;
    lost: number;
    duplicated: number;
    reorgedOut: number;
    reorgedOutExecuted: number;
    unexpectedExecutions: number;
    bridgeDbNotExecuted: number;
    lostIds: string[];
  };
  recorders: Array<{ chainId: string; calls: string; expected: number; ok: boolean }>;
  ledger: {
    journalEntries: number;
    feeChargedEntries: number;
    feeChargedTwice: number;
    messagesWithoutFee: number;
    idempotencyKeysUnique: boolean;
    unbalancedEntries: number;
  };
  reconcile: { ok: boolean; mismatches: unknown[] };
  supply: Array<{
    originChainId: string;
    token: string;
    locked: string;
    bridged: string;
    sentTotal: string;
    ok: boolean;
  }>;
  l1RootChain: { epochs: number; ok: boolean; breaks: string[] };
  /**
   * Everything L1 settled, rebuilt from L1 alone (libs/contracts `rebuildFromL1` with `checkCalldata`, replayed into
   * an AggregationState): its roots must be L1's `sharedRoot()`, every epoch's calldata must match its logs, each
   * chain's size must be its `nextBatchNumber` on L1, and every settled batch root and chain root must be the one
   * the chain app sealed and signed.
   */
  l1Rebuild: {
    ok: boolean;
    epochs: number;
    calldataChecked: number;
    /** Settled epochs per shape (`s4 (131074)`: count). */
    epochsByShape: Record<string, number>;
    batchesSettled: number;
    rebuiltRoot: string;
    sharedRoot: string;
    chains: Array<{ chainId: string; settled: number; nextBatchNumber: string; sealed: number; chainRoot: string }>;
    mismatches: string[];
  };
  /** Batches the hub stored per chain (a chain tree holds 2^CHAIN_DEPTH). */
  batchesPerChain: Record<string, number>;
  failures: string[];
};

/** Reads the chains (events and state), the bridge DB and the bridge API, and checks the run's invariants. */
export async function runChecks(devnet: Devnet, expected: Expectation[], reorgedOut: Hex[]): Promise<ChecksResult> {
  const failures: string[] = [];
  // 1. On-chain executions, per destination handler.
  const executed = new Map<string, number>();
  const failed = new Map<string, number>();
  for (const c of devnet.chains) {
    const { publicClient } = clientsFor(c.chainId, c.rpcUrl, DEVNET_KEYS.deployer);
    const ex = await publicClient.getContractEvents({
      address: c.handler,
      abi: interopHandlerAbi,
      eventName: 'MessageExecuted',
      fromBlock: 0n,
    });
    for (const log of ex) {
      const id = (log.args.messageId as Hex).toLowerCase();
      executed.set(id, (executed.get(id) ?? 0) + 1);
    }
    const fl = await publicClient.getContractEvents({
      address: c.handler,
      abi: interopHandlerAbi,
      eventName: 'MessageFailed',
      fromBlock: 0n,
    });
    for (const log of fl) {
      const id = (log.args.messageId as Hex).toLowerCase();
      failed.set(id, (failed.get(id) ?? 0) + 1);
    }
  }
  const expectedIds = new Set(expected.map((e) => e.id.toLowerCase()));
  let lost = 0;
  let duplicated = 0;
  let failedOnChain = 0;
  const lostIds: string[] = [];
  for (const e of expected) {
    const id = e.id.toLowerCase();
    const n = (executed.get(id) ?? 0) + (failed.get(id) ?? 0);
    if (n === 0) {
      lost++;
      lostIds.push(id);
    }
    if (n > 1) duplicated++;
    if ((failed.get(id) ?? 0) > 0) failedOnChain++;
  }
  const reorgedOutExecuted = reorgedOut.filter(
    (id) => (executed.get(id.toLowerCase()) ?? 0) + (failed.get(id.toLowerCase()) ?? 0) > 0,
  ).length;
  const unexpectedExecutions = [...executed.keys()].filter((id) => !expectedIds.has(id)).length;
  if (lost > 0) failures.push(`${lost} message(s) lost (never executed on their destination)`);
  if (duplicated > 0) failures.push(`${duplicated} message(s) executed more than once`);
  if (failedOnChain > 0) failures.push(`${failedOnChain} message(s) FAILED on chain`);
  if (reorgedOutExecuted > 0) failures.push(`${reorgedOutExecuted} reorged-out message(s) executed`);
  if (unexpectedExecutions > 0)
    failures.push(`${unexpectedExecutions} execution(s) of messages the harness never sent`);

  // 2. The call targets' own state: CallRecorder.calls == calls sent to it.
  const recorders: ChecksResult['recorders'] = [];
  const byRecorder = new Map<string, { chainId: bigint; n: number }>();
  for (const e of expected.filter((x) => x.kind === 'call' && x.recorder)) {
    const k = `${e.dst}:${e.recorder!.toLowerCase()}`;
    byRecorder.set(k, { chainId: e.dst, n: (byRecorder.get(k)?.n ?? 0) + 1 });
  }
  for (const [k, v] of byRecorder) {
    const c = devnet.chain(v.chainId);
    const { publicClient } = clientsFor(c.chainId, c.rpcUrl, DEVNET_KEYS.deployer);
    const calls = await publicClient.readContract({
      address: k.split(':')[1] as Address,
      abi: CALL_RECORDER_ABI,
      functionName: 'calls',
    });
    const ok = calls === BigInt(v.n);
    if (!ok) failures.push(`CallRecorder on ${v.chainId}: calls() = ${calls}, ${v.n} calls sent`);
    recorders.push({ chainId: v.chainId.toString(), calls: calls.toString(), expected: v.n, ok });
  }

  // 3. Bridge DB and ledger.
  const db = new Client({ connectionString: devnet.databaseUrl });
  await db.connect();
  let ledger: ChecksResult['ledger'];
  const dbFacts = { notExecuted: 0 };
  const batchesPerChain: Record<string, number> = {};
  try {
    const ids = [...expectedIds];
    const notExecuted = await db.query<{ n: string }>(
      `select count(*) as n from unnest($1::text[]) as x(id) left join messages m on lower(m.id) = x.id where m.status is distinct from 'executed'`,
      [ids],
    );
    dbFacts.notExecuted = Number(notExecuted.rows[0]?.n ?? 0);
    if (dbFacts.notExecuted > 0)
      failures.push(`${dbFacts.notExecuted} sent message(s) not 'executed' in the bridge DB`);
    const entries = await db.query<{ n: string; keys: string }>(
      `select count(*) as n, count(distinct idempotency_key) as keys from journal_entries`,
    );
    const feeTwice = await db.query<{ n: string }>(
      `select count(*) as n from (select message_id from journal_entries where kind = 'fee_charged' group by message_id having count(*) > 1) t`,
    );
    const feeCharged = await db.query<{ n: string }>(
      `select count(*) as n from journal_entries where kind = 'fee_charged'`,
    );
    const withoutFee = await db.query<{ n: string }>(
      `select count(*) as n from unnest($1::text[]) as x(id) where not exists (select 1 from journal_entries j where j.kind = 'fee_charged' and lower(j.message_id) = x.id)`,
      [ids],
    );
    const unbalanced = await db.query<{ n: string }>(
      `select count(*) as n from (select entry_id, currency from postings group by entry_id, currency having sum(amount) <> 0) t`,
    );
    ledger = {
      journalEntries: Number(entries.rows[0]?.n ?? 0),
      feeChargedEntries: Number(feeCharged.rows[0]?.n ?? 0),
      feeChargedTwice: Number(feeTwice.rows[0]?.n ?? 0),
      messagesWithoutFee: Number(withoutFee.rows[0]?.n ?? 0),
      idempotencyKeysUnique: entries.rows[0]?.n === entries.rows[0]?.keys,
      unbalancedEntries: Number(unbalanced.rows[0]?.n ?? 0),
    };
    if (ledger.feeChargedTwice > 0) failures.push(`${ledger.feeChargedTwice} message(s) charged a fee twice`);
    if (ledger.messagesWithoutFee > 0)
      failures.push(`${ledger.messagesWithoutFee} message(s) without a fee_charged entry`);
    if (!ledger.idempotencyKeysUnique) failures.push('journal idempotency keys are not unique');
    if (ledger.unbalancedEntries > 0) failures.push(`${ledger.unbalancedEntries} unbalanced journal entr(y/ies)`);
    const b = await db.query<{ chain_id: string; n: string }>(
      `select chain_id::text, count(*)::text as n from batches group by 1`,
    );
    for (const r of b.rows) batchesPerChain[r.chain_id] = Number(r.n);
  } finally {
    await db.end();
  }

  // 4. Reconciliation API (ledger fees vs InteropCenter.feesCollected, locked vs bridged supply).
  const rec = await httpJson('GET', `${devnet.bridgeUrl}/accounting/reconcile`, undefined, devnet.adminToken);
  const recBody = rec.body as { ok?: boolean; mismatches?: unknown[] };
  const reconcile = { ok: rec.status === 200 && recBody.ok === true, mismatches: recBody.mismatches ?? [rec.body] };
  if (!reconcile.ok) failures.push(`GET /accounting/reconcile: ${JSON.stringify(rec.body).slice(0, 500)}`);

  // 5. Supply on chain: tokens locked in the origin vault == bridged supply elsewhere == sum of the transfers sent.
  const supply: ChecksResult['supply'] = [];
  const tokens = new Map<string, { src: bigint; token: Address; total: bigint }>();
  for (const e of expected.filter((x) => x.kind === 'token' && x.token)) {
    const k = `${e.src}:${e.token!.toLowerCase()}`;
    const cur = tokens.get(k) ?? { src: e.src, token: e.token!, total: 0n };
    cur.total += e.amount ?? 0n;
    tokens.set(k, cur);
  }
  for (const t of tokens.values()) {
    const origin = devnet.chain(t.src);
    const oc = clientsFor(origin.chainId, origin.rpcUrl, DEVNET_KEYS.deployer).publicClient;
    const locked = await oc.readContract({
      address: t.token,
      abi: bridgedTokenAbi,
      functionName: 'balanceOf',
      args: [origin.vault],
    });
    const assetId = await oc.readContract({
      address: origin.vault,
      abi: nativeTokenVaultAbi,
      functionName: 'nativeAssetId',
      args: [t.token],
    });
    let bridged = 0n;
    for (const c of devnet.chains.filter((x) => x.chainId !== t.src)) {
      const pc = clientsFor(c.chainId, c.rpcUrl, DEVNET_KEYS.deployer).publicClient;
      const addr = await pc.readContract({
        address: c.vault,
        abi: nativeTokenVaultAbi,
        functionName: 'bridgedTokenAddress',
        args: [assetId],
      });
      if (addr === zeroAddress) continue;
      const code = await pc.getCode({ address: addr });
      if (!code || code === '0x') continue;
      bridged += await pc.readContract({ address: addr, abi: bridgedTokenAbi, functionName: 'totalSupply' });
    }
    const ok = locked === bridged && locked === t.total;
    if (!ok)
      failures.push(`supply of ${t.token} (origin ${t.src}): locked ${locked}, bridged ${bridged}, sent ${t.total}`);
    supply.push({
      originChainId: t.src.toString(),
      token: t.token,
      locked: locked.toString(),
      bridged: bridged.toString(),
      sentTotal: t.total.toString(),
      ok,
    });
  }

  // 6. The L1 root chain: each RootSubmitted's prevRoot is the previous root, epochs consecutive from genesis.
  const l1 = clientsFor(devnet.l1.chainId, devnet.l1.rpcUrl, DEVNET_KEYS.deployer).publicClient;
  const roots = await l1.getContractEvents({
    address: devnet.l1.hub,
    abi: interopHubAbi,
    eventName: 'RootSubmitted',
    fromBlock: 0n,
  });
  const genesis = await l1.readContract({ address: devnet.l1.hub, abi: interopHubAbi, functionName: 'GENESIS_ROOT' });
  const current = await l1.readContract({ address: devnet.l1.hub, abi: interopHubAbi, functionName: 'sharedRoot' });
  const epochNow = await l1.readContract({ address: devnet.l1.hub, abi: interopHubAbi, functionName: 'epoch' });
  const breaks: string[] = [];
  const sorted = [...roots].sort((a, b) => Number((a.args.epoch as bigint) - (b.args.epoch as bigint)));
  let prev: Hex = genesis;
  for (const [i, ev] of sorted.entries()) {
    const epoch = ev.args.epoch as bigint;
    if (epoch !== BigInt(i + 1)) breaks.push(`epoch ${epoch} at position ${i + 1}`);
    if ((ev.args.prevRoot as Hex).toLowerCase() !== prev.toLowerCase()) {
      breaks.push(`epoch ${epoch}: prevRoot ${ev.args.prevRoot} != previous root ${prev}`);
    }
    prev = ev.args.newRoot as Hex;
  }
  if (prev.toLowerCase() !== current.toLowerCase()) breaks.push(`last root ${prev} != sharedRoot() ${current}`);
  if (BigInt(sorted.length) !== epochNow)
    breaks.push(`${sorted.length} RootSubmitted events but epoch() = ${epochNow}`);
  if (breaks.length > 0) failures.push(`L1 root chain broken: ${breaks.join('; ')}`);

  // 7. Rebuild from L1 alone (logs and calldata) and compare with L1's root and with what the chain apps sealed.
  const l1Rebuild = await rebuildCheck(devnet, current);
  if (!l1Rebuild.ok) failures.push(`L1 rebuild: ${l1Rebuild.mismatches.join('; ')}`);

  return {
    ok: failures.length === 0,
    messages: {
      expected: expected.length,
      executedOnChain: expected.filter((e) => (executed.get(e.id.toLowerCase()) ?? 0) > 0).length,
      failedOnChain,
      lost,
      duplicated,
      reorgedOut: reorgedOut.length,
      reorgedOutExecuted,
      unexpectedExecutions,
      bridgeDbNotExecuted: dbFacts.notExecuted,
      lostIds: lostIds.slice(0, 20),
    },
    recorders,
    ledger,
    reconcile,
    supply,
    l1RootChain: { epochs: sorted.length, ok: breaks.length === 0, breaks },
    l1Rebuild,
    batchesPerChain,
    failures,
  };
}

/** Check 7 of {@link runChecks}: L1 rebuilt from L1 alone, against `sharedRoot()` and the chain apps' sealed batches. */
async function rebuildCheck(devnet: Devnet, sharedRoot: Hex): Promise<ChecksResult['l1Rebuild']> {
  const mismatches: string[] = [];
  const out: ChecksResult['l1Rebuild'] = {
    ok: false,
    epochs: 0,
    calldataChecked: 0,
    epochsByShape: {},
    batchesSettled: 0,
    rebuiltRoot: '',
    sharedRoot,
    chains: [],
    mismatches,
  };
  const l1 = clientsFor(devnet.l1.chainId, devnet.l1.rpcUrl, DEVNET_KEYS.deployer).publicClient;
  let replay: Awaited<ReturnType<typeof replayL1>>;
  try {
    replay = await replayL1(l1, devnet.l1.hub, { checkCalldata: true });
  } catch (e) {
    mismatches.push(`rebuildFromL1 failed: ${(e as Error).message.slice(0, 500)}`);
    return out;
  }
  out.epochs = replay.epochs.length;
  out.calldataChecked = replay.epochs.filter((e) => e.calldataChecked).length;
  for (const e of replay.epochs) {
    const k = shapeLabel(e.shapeId);
    out.epochsByShape[k] = (out.epochsByShape[k] ?? 0) + 1;
    out.batchesSettled += e.batchCount;
  }
  out.rebuiltRoot = fieldToBytes32(replay.sharedTree.root);
  if (out.rebuiltRoot !== sharedRoot.toLowerCase()) {
    mismatches.push(`rebuilt shared root ${out.rebuiltRoot} != sharedRoot() ${sharedRoot}`);
  }
  if (fieldToBytes32(replay.state.sharedRoot) !== out.rebuiltRoot) {
    mismatches.push(
      `the replayed AggregationState root ${fieldToBytes32(replay.state.sharedRoot)} != the rebuilt tree's`,
    );
  }
  if (out.calldataChecked !== out.epochs) {
    mismatches.push(`${out.epochs - out.calldataChecked} epoch(s) whose submitRoot calldata was not checked`);
  }
  if (out.epochs === 0) mismatches.push('no epoch settled on L1');

  // What the chain apps sealed (and their operators signed): batch root and chain root per batch.
  const db = new Client({ connectionString: devnet.databaseUrl });
  await db.connect();
  const sealed = new Map<string, { batchRoot: string; chainRoot: string }>();
  try {
    const r = await db.query<{ chain_id: string; batch_number: string; batch_root: string; chain_root: string }>(
      `select chain_id::text, batch_number::text, batch_root, chain_root from sealed_batches`,
    );
    for (const x of r.rows) {
      sealed.set(`${x.chain_id}/${x.batch_number}`, {
        batchRoot: x.batch_root.toLowerCase(),
        chainRoot: x.chain_root.toLowerCase(),
      });
    }
  } finally {
    await db.end();
  }
  for (const e of replay.epochs) {
    for (const g of e.groups) {
      g.batchRoots.forEach((root, j) => {
        const n = g.firstBatch + BigInt(j);
        const s = sealed.get(`${g.chainId}/${n}`);
        if (!s) mismatches.push(`epoch ${e.epoch}: chain ${g.chainId} batch ${n} settled but never sealed`);
        else if (s.batchRoot !== root.toLowerCase()) {
          mismatches.push(`epoch ${e.epoch}: chain ${g.chainId} batch ${n} settled ${root}, sealed ${s.batchRoot}`);
        }
      });
      const last = g.firstBatch + BigInt(g.batchRoots.length - 1);
      const s = sealed.get(`${g.chainId}/${last}`);
      if (s && s.chainRoot !== fieldToBytes32(g.chainRoot)) {
        mismatches.push(
          `epoch ${e.epoch}: chain ${g.chainId} root after batch ${last} is ${fieldToBytes32(g.chainRoot)} on L1, ` +
            `its operator signed ${s.chainRoot}`,
        );
      }
    }
  }
  for (const c of devnet.chains) {
    const info = await l1.readContract({
      address: devnet.l1.hub,
      abi: interopHubAbi,
      functionName: 'getChain',
      args: [c.chainId],
    });
    const tree = replay.chainTrees.get(c.chainId);
    const settled = tree?.size ?? 0;
    if (BigInt(settled) !== info.nextBatchNumber) {
      mismatches.push(`chain ${c.chainId}: ${settled} batches rebuilt, nextBatchNumber ${info.nextBatchNumber} on L1`);
    }
    if (replay.state.chainSize(c.chainId) !== settled) {
      mismatches.push(`chain ${c.chainId}: the replayed state holds ${replay.state.chainSize(c.chainId)} batches`);
    }
    out.chains.push({
      chainId: c.chainId.toString(),
      settled,
      nextBatchNumber: info.nextBatchNumber.toString(),
      sealed: [...sealed.keys()].filter((k) => k.startsWith(`${c.chainId}/`)).length,
      chainRoot: fieldToBytes32(replay.state.chainRoot(c.chainId)),
    });
  }
  out.ok = mismatches.length === 0;
  return out;
}

/** Polls the destination handlers until every expected message was processed (or the deadline). */
export async function waitAllExecuted(
  devnet: Devnet,
  expected: Expectation[],
  timeoutMs: number,
  log: (line: string) => void,
): Promise<{ done: boolean; missing: number; ms: number }> {
  const t0 = Date.now();
  const want = new Set(expected.map((e) => e.id.toLowerCase()));
  let lastLog = 0;
  for (;;) {
    const seen = new Set<string>();
    for (const c of devnet.chains) {
      const { publicClient } = clientsFor(c.chainId, c.rpcUrl, DEVNET_KEYS.deployer);
      for (const eventName of ['MessageExecuted', 'MessageFailed'] as const) {
        const logs = await publicClient.getContractEvents({
          address: c.handler,
          abi: interopHandlerAbi,
          eventName,
          fromBlock: 0n,
        });
        for (const l of logs) seen.add((l.args.messageId as Hex).toLowerCase());
      }
    }
    const missing = [...want].filter((id) => !seen.has(id)).length;
    if (missing === 0) return { done: true, missing: 0, ms: Date.now() - t0 };
    if (Date.now() - t0 > timeoutMs) return { done: false, missing, ms: Date.now() - t0 };
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      log(`waiting for ${missing} of ${want.size} message(s) to execute (${Math.round((Date.now() - t0) / 1000)} s)`);
    }
    await new Promise((r) => setTimeout(r, 2_000));
  }
}
