import { Inject, Injectable } from '@nestjs/common';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

import { MetricsRepository, type BridgeSnapshot } from './metrics.repository';

/**
 * The bridge's Prometheus metrics, in a registry of its own. Gauges are read from Postgres at scrape time, so they
 * are right after a restart and agree across racing bridge replicas sharing one database. Only counts, ages and gas
 * units are exported: fee amounts are money (Decimal(78,0)) and stay in the accounting API, never in a float gauge.
 */
@Injectable()
export class BridgeMetrics {
  readonly registry = new Registry();

  constructor(@Inject(MetricsRepository) private readonly repo: MetricsRepository) {
    collectDefaultMetrics({ register: this.registry, prefix: 'bridge_' });
    let pending: Promise<BridgeSnapshot> | undefined;
    // One snapshot per scrape, shared by every gauge's collect().
    const snapshot = () => {
      pending ??= this.repo.snapshot().finally(() => setTimeout(() => (pending = undefined), 100).unref());
      return pending;
    };
    const registers = [this.registry];
    new Gauge({
      name: 'bridge_messages',
      help: 'Messages known to the bridge, by status and destination chain',
      labelNames: ['status', 'dst_chain'] as const,
      registers,
      async collect() {
        this.reset();
        for (const r of (await snapshot()).messagesByStatus) {
          this.set({ status: r.status, dst_chain: r.dstChainId.toString() }, r.count);
        }
      },
    });
    new Gauge({
      name: 'bridge_oldest_unexecuted_message_age_seconds',
      help: 'Age of the oldest message not executed or failed yet, by destination chain (relay lag)',
      labelNames: ['dst_chain'] as const,
      registers,
      async collect() {
        this.reset();
        for (const r of (await snapshot()).oldestWaiting) this.set({ dst_chain: r.dstChainId.toString() }, r.seconds);
      },
    });
    new Gauge({
      name: 'bridge_journal_entries',
      help: 'Fee-ledger journal entries, by kind',
      labelNames: ['kind'] as const,
      registers,
      async collect() {
        this.reset();
        for (const r of (await snapshot()).journalEntriesByKind) this.set({ kind: r.kind }, r.count);
      },
    });
    new Gauge({
      name: 'bridge_relay_gas_used',
      help: 'Destination gas units of executed messages, by destination chain',
      labelNames: ['dst_chain'] as const,
      registers,
      async collect() {
        this.reset();
        for (const r of (await snapshot()).relayGasUnits)
          this.set({ dst_chain: r.dstChainId.toString() }, Number(r.gas));
      },
    });
    new Gauge({
      name: 'bridge_batches',
      help: 'Batches whose message records the bridge has seen, by status (incomplete, verified, settled, rejected...)',
      labelNames: ['status'] as const,
      registers,
      async collect() {
        this.reset();
        for (const r of (await snapshot()).batchesByStatus) this.set({ status: r.status }, r.count);
      },
    });
    new Gauge({
      name: 'bridge_latest_settled_epoch',
      help: 'Latest settled epoch the bridge has verified and stored',
      registers,
      async collect() {
        const e = (await snapshot()).latestEpoch;
        this.set(e === null ? 0 : Number(e));
      },
    });
  }
}
