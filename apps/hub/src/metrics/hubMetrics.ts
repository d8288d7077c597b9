import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The hub's Prometheus metrics, in a registry of its own (not prom-client's global one), so that several hub
 * instances in one process (tests) do not collide.
 */
@Injectable()
export class HubMetrics {
  readonly registry = new Registry();
  readonly batchRootsIngested = new Counter({
    name: 'hub_batch_roots_ingested_total',
    help: 'Batch roots accepted (stored as received or held)',
    registers: [this.registry],
  });
  readonly batchRootsRejected = new Counter({
    name: 'hub_batch_roots_rejected_total',
    help: 'Batch roots dead-lettered, by reason code',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly batchRootsDuplicate = new Counter({
    name: 'hub_batch_roots_duplicate_total',
    help: 'Identical batch roots seen again and ignored',
    registers: [this.registry],
  });
  readonly epochDuration = new Histogram({
    name: 'hub_epoch_duration_seconds',
    help: 'From epoch creation to L1 settlement',
    buckets: [0.5, 1, 2, 5, 10, 20, 60, 120, 300],
    registers: [this.registry],
  });
  readonly provingTime = new Histogram({
    name: 'hub_proving_seconds',
    help: 'Time spent proving one epoch',
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly l1GasUsed = new Counter({
    name: 'hub_l1_gas_used_total',
    help: 'Gas used by submitRoot transactions',
    registers: [this.registry],
  });
  readonly currentEpoch = new Gauge({
    name: 'hub_current_epoch',
    help: 'Latest epoch settled on L1',
    registers: [this.registry],
  });

  readonly epochsByShape = new Counter({
    name: 'hub_epochs_created_total',
    help: 'Epochs created, by epoch shape (circuits/shapes name)',
    labelNames: ['shape'] as const,
    registers: [this.registry],
  });
  readonly epochsAbandoned = new Counter({
    name: 'hub_epochs_abandoned_total',
    help: 'Unsettled epochs given up because L1 will never accept them (their batches are planned again)',
    registers: [this.registry],
  });
  readonly chainRootMismatches = new Counter({
    name: 'hub_chain_root_mismatches_total',
    help: 'Batches whose signed chain root is not the root of their chain tree (the chain is flagged)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'hub_' });
  }
}
