import { batchRootRecordToJson, messageRecordToJson } from '@interop/protocol';
import { Inject, Injectable, Logger } from '@nestjs/common';

import { CHAIN_CONFIG, type ChainConfig } from '../config/chainConfig';
import { CHAIN_STORE, RECORD_SINK, type ChainStore, type RecordSink } from '../domain/ports';
import type { SealedBatch } from '../domain/types';
import { ChainMetrics } from '../metrics/chainMetrics';

export type PublisherSettings = Pick<ChainConfig, 'CHAIN_ID' | 'KAFKA_TOPIC_BATCH_ROOTS' | 'KAFKA_TOPIC_MESSAGES'>;

/** What one `publishPending` did. */
export type PublishResult = { published: bigint[]; failed: { batchNumber: bigint; error: string } | null };

/**
 * Publishes sealed batches from the outbox (`publishedAt` null), oldest first: each message to
 * `interop.messages` (key srcChainId) in leaf order, then the signed root to `interop.batch-roots` (key chainId; a
 * v2 record with the stored chain root and signature), then marks the batch published. Records are rebuilt from the
 * stored batch, so a re-publish after a crash (or a failed send) sends byte-identical records; consumers are
 * idempotent. A failure stops the round (batch n+1 never goes out before batch n) and is retried on the next one.
 */
@Injectable()
export class PublisherService {
  private readonly logger = new Logger(PublisherService.name);

  constructor(
    @Inject(CHAIN_STORE) private readonly store: ChainStore,
    @Inject(RECORD_SINK) private readonly sink: RecordSink,
    @Inject(CHAIN_CONFIG) private readonly settings: PublisherSettings,
    @Inject(ChainMetrics) private readonly metrics: ChainMetrics,
  ) {}

  async publishPending(): Promise<PublishResult> {
    const published: bigint[] = [];
    for (const batch of await this.metrics.time('publish_db_read', () => this.store.unpublishedBatches())) {
      try {
        await this.publish(batch);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        this.metrics.publishRetries.inc();
        await this.store.recordPublishFailure(batch.batchNumber, error);
        this.logger.warn(`publishing batch ${batch.batchNumber} failed (will retry): ${error}`);
        return { published, failed: { batchNumber: batch.batchNumber, error } };
      }
      await this.metrics.time('publish_db_write', () => this.store.markPublished(batch.batchNumber));
      published.push(batch.batchNumber);
      this.logger.log(`published batch ${batch.batchNumber} (${batch.messageCount} messages)`);
    }
    return { published, failed: null };
  }

  private async publish(batch: SealedBatch): Promise<void> {
    const key = this.settings.CHAIN_ID.toString();
    const messages = await this.metrics.time('publish_db_read', () => this.store.batchMessages(batch.batchNumber));
    for (const m of messages) {
      const value = this.metrics.timeSync('publish_encode', () =>
        messageRecordToJson({
          batchNumber: batch.batchNumber,
          batchRoot: batch.batchRoot,
          messageCount: batch.messageCount,
          leafIndex: m.leafIndex!,
          message: m.message,
          txHash: m.txHash,
          blockNumber: m.blockNumber,
          logIndex: m.logIndex,
        }),
      );
      await this.metrics.time('publish_kafka', () =>
        this.sink.send(this.settings.KAFKA_TOPIC_MESSAGES, m.message.srcChainId.toString(), value),
      );
    }
    await this.metrics.time('publish_kafka', () =>
      this.sink.send(
        this.settings.KAFKA_TOPIC_BATCH_ROOTS,
        key,
        batchRootRecordToJson({
          chainId: batch.chainId,
          batchNumber: batch.batchNumber,
          batchRoot: batch.batchRoot,
          chainRoot: batch.chainRoot,
          messageCount: batch.messageCount,
          firstBlock: batch.firstBlock,
          lastBlock: batch.lastBlock,
          signature: batch.signature,
        }),
      ),
    );
  }
}
