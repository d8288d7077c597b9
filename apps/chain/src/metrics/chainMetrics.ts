import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The pipeline's stages timed by `chain_stage_seconds` (where a message's time goes; bench/chain reads it). */
export type ChainStage =
  | 'watch_rpc'
  | 'watch_db'
  | 'seal_db_read'
  | 'seal_compute'
  | 'seal_sign'
  | 'seal_db_write'
  | 'publish_db_read'
  | 'publish_encode'
  | 'publish_kafka'
  | 'publish_db_write';

/**
 * The chain app's Prometheus metrics, in a registry of its own (not prom-client's global one, so that two apps in
 * one process, as in tests, do not share counters). Also the in-memory pipeline state `/health` reports.
 */
export class ChainMetrics {
  readonly registry = new Registry();
  readonly messagesSeen: Counter;
  readonly batchesSealed: Counter;
  readonly publishRetries: Counter;
  readonly reorgsDetected: Counter;
  readonly rootsImported: Counter;
  private readonly stageSeconds: Histogram<'stage'>;
  private readonly headBlock: Gauge;
  private readonly lastBlockSeenGauge: Gauge;
  private readonly lastBatchGauge: Gauge;
  private readonly lagGauge: Gauge;

  /** Latest values, for `/health` (null until known). */
  readonly state: {
    head: bigint | null;
    lastBlockSeen: bigint | null;
    lastSealedBatch: bigint | null;
    lastSealedBlock: bigint | null;
    lastImportedEpoch: bigint | null;
    lastError: string | null;
    fatal: string | null;
  } = {
    head: null,
    lastBlockSeen: null,
    lastSealedBatch: null,
    lastSealedBlock: null,
    lastImportedEpoch: null,
    lastError: null,
    fatal: null,
  };

  constructor(chainId: bigint) {
    this.registry.setDefaultLabels({ chain_id: chainId.toString() });
    const counter = (name: string, help: string) => new Counter({ name, help, registers: [this.registry] });
    const gauge = (name: string, help: string) => new Gauge({ name, help, registers: [this.registry] });
    this.messagesSeen = counter(
      'chain_messages_seen_total',
      'MessageSent events recorded (re-reads after a reorg count again)',
    );
    this.batchesSealed = counter('chain_batches_sealed_total', 'batches sealed and signed');
    this.publishRetries = counter('chain_publish_retries_total', 'failed attempts to publish a sealed batch (retried)');
    this.reorgsDetected = counter('chain_reorgs_detected_total', 'replaced blocks noticed by the watcher');
    this.rootsImported = counter('chain_roots_imported_total', 'L1 shared roots imported into the InteropHandler');
    this.stageSeconds = new Histogram({
      name: 'chain_stage_seconds',
      help: 'time spent per pipeline stage (RPC reads, database reads and writes, hashing, signing, Kafka sends)',
      labelNames: ['stage'],
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10],
      registers: [this.registry],
    });
    this.headBlock = gauge('chain_head_block', 'latest L2 block number');
    this.lastBlockSeenGauge = gauge('chain_last_block_seen', 'last L2 block the watcher scanned');
    this.lastBatchGauge = gauge('chain_last_sealed_batch', 'number of the last sealed batch (-1: none yet)');
    this.lastBatchGauge.set(-1);
    this.lagGauge = gauge('chain_lag_blocks', 'head minus the last block holding a sealed message');
  }

  /** Runs `work` and adds its duration (also when it fails) to `chain_stage_seconds{stage}`. */
  async time<T>(stage: ChainStage, work: () => Promise<T>): Promise<T> {
    const end = this.stageSeconds.startTimer({ stage });
    try {
      return await work();
    } finally {
      end();
    }
  }

  /** `time` for synchronous work (hashing). */
  timeSync<T>(stage: ChainStage, work: () => T): T {
    const end = this.stageSeconds.startTimer({ stage });
    try {
      return work();
    } finally {
      end();
    }
  }

  setHead(head: bigint): void {
    this.state.head = head;
    this.headBlock.set(Number(head));
    this.updateLag();
  }

  setLastBlockSeen(block: bigint | null): void {
    this.state.lastBlockSeen = block;
    if (block !== null) this.lastBlockSeenGauge.set(Number(block));
  }

  setLastSealed(batchNumber: bigint | null, block: bigint | null): void {
    this.state.lastSealedBatch = batchNumber;
    this.state.lastSealedBlock = block;
    if (batchNumber !== null) this.lastBatchGauge.set(Number(batchNumber));
    this.updateLag();
  }

  /** head - last sealed block (head when nothing is sealed yet), or null before the first poll. */
  lag(): bigint | null {
    if (this.state.head === null) return null;
    return this.state.head - (this.state.lastSealedBlock ?? 0n);
  }

  private updateLag(): void {
    const lag = this.lag();
    if (lag !== null) this.lagGauge.set(Number(lag));
  }
}
