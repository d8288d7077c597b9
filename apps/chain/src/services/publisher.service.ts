import { batchRootRecordToJson, messageRecordToJson } from '@interop/protocol';
import { Inject, Injectable, Logger } from '@nestjs/common';

import { CHAIN_CONFIG, type ChainConfig } from '../config/chainConfig';
import { CHAIN_STORE, RECORD_SINK, type ChainStore, type OutRecord, type RecordSink } from '../domain/ports';
import type { SealedBatch, StoredMessage } from '../domain/types';
import { ChainMetrics } from '../metrics/chainMetrics';

export type PublisherSettings = Pick<ChainConfig, 'CHAIN_ID' | 'KAFKA_TOPIC_BATCH_ROOTS' | 'KAFKA_TOPIC_MESSAGES'>;

/** What one `publishPending` did. */
export type PublishResult = { published: bigint[]; failed: { batchNumber: bigint; error: string } | null };

/** Messages per publish round (several small batches go together; a larger batch goes alone): bounds memory. */
export const ROUND_MESSAGES = 65_536;

/**
 * Publishes sealed batches from the outbox (`publishedAt` null), oldest first, in rounds of consecutive batches (up
 * to ROUND_MESSAGES messages, at least one batch): the round's messages are read with one query and sent to
 * `interop.messages` (key srcChainId) in (batch, leaf) order, in as few Kafka requests as the size limit allows; once
 * all are acknowledged, the round's signed roots go to `interop.batch-roots` (key chainId; v2 records with the stored
 * chain root and signature) in batch order, then the round's batches are marked published with one statement. So a
 * root is never on Kafka before its messages, and root n never after root n+1. Records are rebuilt from the stored
 * batch, so a re-publish after a crash (or a failed send) sends byte-identical records; consumers are idempotent. A
 * failure stops the round and everything after it, and is retried on the next call.
 *
 * The messages of a batch this process has just sealed are handed over by the batcher (`offer`, after the seal
 * committed: the very rows it read and signed, with their leaf indexes), so a round of such batches is not read back
 * from the store; a restarted process, a round with a batch sealed elsewhere or more than ROUND_MESSAGES offered
 * messages read them from the store, which gives the same records.
 */
@Injectable()
export class PublisherService {
  private readonly logger = new Logger(PublisherService.name);
  /** Offered messages of sealed, not yet published batches, by batch number (at most ROUND_MESSAGES in all). */
  private readonly offered = new Map<bigint, readonly StoredMessage[]>();
  private offeredMessages = 0;

  constructor(
    @Inject(CHAIN_STORE) private readonly store: ChainStore,
    @Inject(RECORD_SINK) private readonly sink: RecordSink,
    @Inject(CHAIN_CONFIG) private readonly settings: PublisherSettings,
    @Inject(ChainMetrics) private readonly metrics: ChainMetrics,
  ) {}

  /** Hands over the messages of a batch whose seal has committed, in leaf order (batch number and leaf index set). */
  offer(batchNumber: bigint, messages: readonly StoredMessage[]): void {
    if (this.offered.has(batchNumber) || this.offeredMessages + messages.length > ROUND_MESSAGES) return;
    this.offered.set(batchNumber, messages);
    this.offeredMessages += messages.length;
  }

  async publishPending(): Promise<PublishResult> {
    const published: bigint[] = [];
    const pending = await this.metrics.time('publish_db_read', () => this.store.unpublishedBatches());
    for (const round of rounds(pending)) {
      try {
        await this.publishRound(round);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        const batchNumber = round[0]!.batchNumber;
        this.metrics.publishRetries.inc();
        await this.store.recordPublishFailure(batchNumber, error);
        this.logger.warn(`publishing batch ${batchNumber} failed (will retry): ${error}`);
        return { published, failed: { batchNumber, error } };
      }
      const numbers = round.map((b) => b.batchNumber);
      await this.metrics.time('publish_db_write', () => this.store.markPublished(numbers));
      for (const n of numbers) {
        this.offeredMessages -= this.offered.get(n)?.length ?? 0;
        this.offered.delete(n);
      }
      published.push(...numbers);
      this.logger.log(
        `published batches ${numbers[0]}..${numbers[numbers.length - 1]} ` +
          `(${round.reduce((s, b) => s + b.messageCount, 0)} messages)`,
      );
    }
    return { published, failed: null };
  }

  private async publishRound(round: SealedBatch[]): Promise<void> {
    const byNumber = new Map(round.map((b) => [b.batchNumber, b]));
    const messages = round.every((b) => this.offered.has(b.batchNumber))
      ? round.flatMap((b) => this.offered.get(b.batchNumber)!)
      : (
          await this.metrics.time('publish_db_read', () =>
            this.store.batchMessages(round[0]!.batchNumber, round[round.length - 1]!.batchNumber),
          )
        ).filter((m) => byNumber.has(m.batchNumber!));
    const records = this.metrics.timeSync('publish_encode', () => {
      const counts = new Map<bigint, number>();
      const out: OutRecord[] = messages.map((m) => {
        const batch = byNumber.get(m.batchNumber!)!;
        counts.set(batch.batchNumber, (counts.get(batch.batchNumber) ?? 0) + 1);
        return {
          key: m.message.srcChainId.toString(),
          value: messageRecordToJson({
            batchNumber: batch.batchNumber,
            batchRoot: batch.batchRoot,
            messageCount: batch.messageCount,
            leafIndex: m.leafIndex!,
            message: m.message,
            txHash: m.txHash,
            blockNumber: m.blockNumber,
            logIndex: m.logIndex,
          }),
        };
      });
      // Never publish a root whose messages are not all there (a store that lost rows).
      for (const b of round) {
        if ((counts.get(b.batchNumber) ?? 0) !== b.messageCount) {
          throw new Error(
            `batch ${b.batchNumber}: ${counts.get(b.batchNumber) ?? 0} of ${b.messageCount} messages stored`,
          );
        }
      }
      return out;
    });
    await this.metrics.time('publish_kafka', () => this.sink.sendMany(this.settings.KAFKA_TOPIC_MESSAGES, records));
    const key = this.settings.CHAIN_ID.toString();
    const roots = round.map((batch) => ({
      key,
      value: batchRootRecordToJson({
        chainId: batch.chainId,
        batchNumber: batch.batchNumber,
        batchRoot: batch.batchRoot,
        chainRoot: batch.chainRoot,
        messageCount: batch.messageCount,
        firstBlock: batch.firstBlock,
        lastBlock: batch.lastBlock,
        signature: batch.signature,
      }),
    }));
    await this.metrics.time('publish_kafka', () => this.sink.sendMany(this.settings.KAFKA_TOPIC_BATCH_ROOTS, roots));
  }
}

/** Consecutive runs of `batches` with at most ROUND_MESSAGES messages each (a larger batch makes a round alone). */
function rounds(batches: SealedBatch[]): SealedBatch[][] {
  const out: SealedBatch[][] = [];
  let current: SealedBatch[] = [];
  let count = 0;
  for (const b of batches) {
    if (current.length > 0 && count + b.messageCount > ROUND_MESSAGES) {
      out.push(current);
      current = [];
      count = 0;
    }
    current.push(b);
    count += b.messageCount;
  }
  if (current.length > 0) out.push(current);
  return out;
}
