import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';

import { CHAIN_CONFIG, type ChainConfig } from '../config/chainConfig';
import { CHAIN_STORE, ROOT_STORE, type ChainStore, type RootStore } from '../domain/ports';
import { ChainTreeFullError, ChainTreeMismatchError, DeepReorgError } from '../errors/chainErrors';
import { ChainMetrics } from '../metrics/chainMetrics';
import { BatcherService } from '../services/batcher.service';
import { PublisherService } from '../services/publisher.service';
import { RootImporterService } from '../services/rootImporter.service';
import { WatcherService } from '../services/watcher.service';
import { PollingLoop } from './pollingLoop';

/**
 * Drives the chain app: one loop watches the chain and seals batches (serially, so a reorg rollback never runs
 * while a batch is being sealed), one publishes the sealed-batch outbox (at start, after each seal, and on retry),
 * one imports L1 roots. The watcher loop sleeps POLL_INTERVAL_MS only when it has caught up with the head; while it
 * is behind it polls again at once. Errors are logged and the next poll tries again; a deep reorg, a chain tree that disagrees
 * with the sealed batches or a full chain tree stop the watcher loop and turn `/health` red, since sealed batches
 * cannot be undone and signing on top of a wrong tree must not happen (the outbox still goes out).
 */
@Injectable()
export class PipelineRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PipelineRunner.name);
  private readonly chainLoop: PollingLoop;
  private readonly publishLoop: PollingLoop;
  private readonly rootLoop: PollingLoop;

  constructor(
    @Inject(CHAIN_CONFIG) private readonly config: ChainConfig,
    @Inject(CHAIN_STORE) private readonly store: ChainStore,
    @Inject(ROOT_STORE) private readonly roots: RootStore,
    @Inject(WatcherService) private readonly watcher: WatcherService,
    @Inject(BatcherService) private readonly batcher: BatcherService,
    @Inject(PublisherService) private readonly publisher: PublisherService,
    @Inject(RootImporterService) private readonly importer: RootImporterService,
    @Inject(ChainMetrics) private readonly metrics: ChainMetrics,
  ) {
    this.chainLoop = new PollingLoop(config.POLL_INTERVAL_MS, () => this.chainTick());
    this.publishLoop = new PollingLoop(config.POLL_INTERVAL_MS, () => this.publishTick());
    this.rootLoop = new PollingLoop(config.POLL_INTERVAL_MS, () => this.rootTick());
  }

  async onApplicationBootstrap(): Promise<void> {
    const [checkpoint, last, imported] = await Promise.all([
      this.store.scanCheckpoint(),
      this.store.lastBatch(),
      this.roots.lastImported(),
    ]);
    this.metrics.setLastBlockSeen(checkpoint?.number ?? null);
    this.metrics.setLastSealed(last?.batchNumber ?? null, last?.lastBlock ?? null);
    this.metrics.state.lastImportedEpoch = imported?.epoch ?? null;
    // The outbox first: batches sealed before a crash go out before anything new.
    this.publishLoop.start();
    this.chainLoop.start();
    if (this.config.ROOT_IMPORTER_ENABLED) this.rootLoop.start();
  }

  /** Stops the loops before the Prisma pool and the Kafka producer close (their hooks run after this one). */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.chainLoop.stop(), this.publishLoop.stop(), this.rootLoop.stop()]);
  }

  private async chainTick(): Promise<void> {
    try {
      const { head, scannedTo } = await this.watcher.tick();
      const sealed = await this.batcher.sealDue(head, scannedTo);
      for (const b of sealed) this.publisher.offer(b.batchNumber, b.messages);
      if (sealed.length > 0) this.publishLoop.kick();
      // More blocks to scan: the next poll runs as soon as this one is over.
      if (scannedTo !== null && scannedTo < head) this.chainLoop.kick();
      this.metrics.state.lastError = null;
    } catch (e) {
      this.metrics.state.lastError = describe(e);
      if (e instanceof DeepReorgError || e instanceof ChainTreeMismatchError || e instanceof ChainTreeFullError) {
        this.metrics.state.fatal = e.message;
        this.logger.error(e.message);
        void this.chainLoop.stop();
        return;
      }
      this.logger.warn(`watcher/batcher poll failed (retrying): ${describe(e)}`);
    }
  }

  private async publishTick(): Promise<void> {
    try {
      await this.publisher.publishPending();
    } catch (e) {
      this.logger.warn(`publisher poll failed (retrying): ${describe(e)}`);
    }
  }

  private async rootTick(): Promise<void> {
    try {
      await this.importer.tick();
    } catch (e) {
      this.logger.warn(`root importer poll failed (retrying): ${describe(e)}`);
    }
  }
}

function describe(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? (e instanceof Error ? e.name : 'unknown error')
  );
}
