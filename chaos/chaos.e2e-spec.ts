import { join } from 'node:path';

import { repoRoot } from '@interop/prover/repoRoot';

import { runChaos, summaryToJson, type ChaosSummary } from './run';

/**
 * The short chaos run (the long one is `npm run chaos`, docs/chaos.md): a fresh devnet on its own Kafka broker and
 * Postgres cluster, fault-free load then 6 kill -9s, a broker restart, a Postgres crash-restart, two relayer crashes
 * and an L2 reorg while traffic flows, at production depths (20/10) with every epoch really proved; 300 fuzzed records
 * per consumed topic, fuzzed API bodies, forged v2 settlements (on top of an honest, really proved next epoch that L1
 * must accept) and tampered inclusion proofs; security checks. Every sent message must execute exactly once, the
 * ledger and supply must reconcile, and L1 must rebuild from L1 alone into its own root.
 */
describe('chaos (short)', () => {
  let summary: ChaosSummary;

  beforeAll(async () => {
    const seed = Number(process.env.CHAOS_SEED ?? 20261124);
    summary = await runChaos({
      seed,
      loadMs: 10_000, // the load phase only samples memory here; the long run measures it over 3 min
      faultMs: 75_000,
      kills: 6,
      rate: 2,
      fuzzPerTopic: 300,
      httpPerEndpoint: 25,
      forgeries: 8,
      dedicatedInfra: true,
      // Short outages here; `npm run chaos -- --kafka-down 60s --postgres-down 60s` is the full version.
      kafkaDownMs: 15_000,
      postgresDownMs: 15_000,
      logDir: join(repoRoot(), '.cache', 'e2e', `chaos-${seed}`),
      log: (line) => process.stderr.write(`[chaos] ${line}\n`),
    });
    process.stderr.write(`${summaryToJson(summary)}\n`);
  }, 1_500_000);

  it('loses and duplicates nothing through kills, restarts, a relayer crash and a reorg', () => {
    expect(summary.failures.filter((f) => f.startsWith('harness error'))).toEqual([]);
    expect(summary.faults.kills).toBeGreaterThanOrEqual(6);
    expect(summary.faults.kafkaRestarts).toBe(1);
    expect(summary.faults.postgresRestarts).toBe(1);
    // No app gave up on its own while the broker or the database was away.
    expect(summary.faults.unplannedExits).toBe(0);
    expect(summary.messages.sent).toBeGreaterThan(20);
    expect(summary.messages.lost).toBe(0);
    expect(summary.messages.duplicated).toBe(0);
    expect(summary.messages.reorgedOutExecuted).toBe(0);
    expect(summary.checks?.failures).toEqual([]);
  });

  it('keeps the ledger balanced, fees single, supply equal and the L1 root chain unbroken', () => {
    expect(summary.checks?.ledger.feeChargedTwice).toBe(0);
    expect(summary.checks?.ledger.unbalancedEntries).toBe(0);
    expect(summary.checks?.reconcile.ok).toBe(true);
    expect(summary.checks?.supply.every((s) => s.ok)).toBe(true);
    expect(summary.checks?.l1RootChain.ok).toBe(true);
  });

  it('rebuilds L1 from its logs and calldata into its sharedRoot and the batches the chains sealed', () => {
    const r = summary.checks?.l1Rebuild;
    expect(r?.mismatches).toEqual([]);
    expect(r?.epochs).toBeGreaterThan(0);
    expect(r?.calldataChecked).toBe(r?.epochs);
    expect(r?.rebuiltRoot).toBe(r?.sharedRoot.toLowerCase());
    expect(r?.ok).toBe(true);
  });

  it('accepts the honest control epoch and refuses every forged v2 settlement with its own error', () => {
    const l1 = summary.badInput.proofs?.l1;
    expect(l1?.control).toMatchObject({ proven: true, accepted: true });
    expect(l1?.binding).toEqual({ l1MatchesProtocol: true, tamperedDiffer: true });
    expect(l1?.cases.filter((c) => !c.ok)).toEqual([]);
    expect(l1?.cases.length).toBeGreaterThan(20);
    expect(l1?.reverted).toBe((l1?.attempts ?? 0) - 1); // all but the control
    expect(l1?.realTx?.status).toBe('reverted');
    expect(l1?.stateUnchanged).toBe(true);
  });

  it('rejects bad input with a reason, changes no state and keeps every consumer running', () => {
    expect(summary.badInput.kafka?.failures).toEqual([]);
    expect(summary.badInput.http?.failures).toEqual([]);
    expect(summary.badInput.proofs?.failures).toEqual([]);
    expect(summary.badInput.stateChanges).toEqual([]);
    expect(summary.badInput.consumerCrashes).toEqual({});
    expect(summary.badInput.trafficAfter.executed).toBe(true);
  });

  it('holds the security rules (admin token, roles, per-chain operators, equivocation)', () => {
    expect(summary.security?.failures).toEqual([]);
    expect(summary.security?.crossChainRoots.sent).toBeGreaterThan(0);
    expect(summary.security?.crossChainRoots.deadLettered).toBe(summary.security?.crossChainRoots.sent);
    expect(summary.security?.equivocation).toEqual({ deadLettered: true, chainFlagged: true, l1Unchanged: true });
  });

  it('passes as a whole', () => {
    expect(summary.failures).toEqual([]);
    expect(summary.ok).toBe(true);
  });
});
