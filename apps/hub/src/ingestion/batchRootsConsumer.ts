import {
  buildDeadLetter,
  ConsumerRegistry,
  ConsumerSupervisor,
  createKafkaClient,
  kafkaMicroserviceOptions,
  sendDeadLetters,
} from '@interop/infra';
import { SafeJsonDeserializer } from '@interop/infra/kafka/safeJsonDeserializer';
import { UnparsedKafkaValue } from '@interop/infra/kafka/unparsedKafkaValue';
import { batchRootRecordSchema } from '@interop/protocol';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Partitioners, type ConsumerConfig, type EachBatchPayload, type KafkaMessage, type Producer } from 'kafkajs';

import { HUB_CONFIG, type HubConfig } from '../config/hubConfig';
import { IngestionService, type IncomingRecord } from './ingestion.service';
import type { IngestPlan } from './planIngestion';

/** The settings the consumer reads. */
export type BatchRootsConsumerConfig = Pick<
  HubConfig,
  | 'KAFKA_BROKERS'
  | 'KAFKA_GROUP_ID'
  | 'KAFKA_FAST'
  | 'TOPIC_BATCH_ROOTS'
  | 'TOPIC_DEAD_LETTER'
  | 'INGEST_CONCURRENCY'
  | 'INGEST_MAX_BATCH'
>;

/**
 * The kafkajs consumer of the batch-roots topic, one partition batch at a time (`eachBatch`): each record's value is
 * decoded (UTF-8 JSON) and checked against the record schema, then the batch (at most INGEST_MAX_BATCH records per
 * transaction) goes to {@link IngestionService.ingestBatch}, which dead-letters the rejected records and writes the
 * batches with the consumer checkpoint in one transaction. The Kafka offset is committed after that transaction (the
 * database checkpoint makes a redelivery harmless). An unexpected error (database down) propagates: kafkajs retries
 * the batch from its last committed record and restarts the consumer if the retries run out, and the
 * {@link ConsumerSupervisor} starts a new one when kafkajs gives up (a non-retriable error), so it never stops for
 * good and never skips a record. Dead letters are bounded (an excerpt, size and hash of the value), and one the
 * broker still refuses is logged, counted in `/health` and dropped rather than stopping the consumer.
 */
@Injectable()
export class BatchRootsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BatchRootsConsumer');
  private supervisor: ConsumerSupervisor | undefined;
  private producer: Producer | undefined;

  constructor(
    @Inject(IngestionService) private readonly ingestion: IngestionService,
    @Inject(HUB_CONFIG) private readonly config: BatchRootsConsumerConfig,
    @Inject(ConsumerRegistry) private readonly consumers: ConsumerRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Joins the group and starts consuming (resolves once the consumer runs, or once a failed start will be retried). */
  async start(): Promise<void> {
    if (this.supervisor) return;
    const c = this.config;
    const kafka = createKafkaClient({ brokers: c.KAFKA_BROKERS, clientId: 'hub', fast: c.KAFKA_FAST });
    // The group settings every consumer of the project uses (session, heartbeat, fetch wait, retries).
    const shared = kafkaMicroserviceOptions({
      brokers: c.KAFKA_BROKERS,
      clientId: 'hub',
      groupId: c.KAFKA_GROUP_ID,
      fast: c.KAFKA_FAST,
    }).options?.consumer as ConsumerConfig;
    // Dead letters are at-least-once anyway (re-sent if the transaction after them fails), so not idempotent.
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const supervisor = new ConsumerSupervisor({
      name: 'hub.batch-roots',
      logger: this.logger,
      create: () => kafka.consumer({ ...shared, groupId: c.KAFKA_GROUP_ID }),
      run: async (consumer) => {
        await this.producer!.connect();
        await consumer.connect();
        await consumer.subscribe({ topics: [c.TOPIC_BATCH_ROOTS], fromBeginning: true });
        await consumer.run({
          partitionsConsumedConcurrently: c.INGEST_CONCURRENCY,
          eachBatchAutoResolve: false,
          eachBatch: (payload) => this.onBatch(payload),
        });
      },
    });
    this.supervisor = this.consumers.add(supervisor);
    await supervisor.start();
  }

  /** Leaves the group after the batch in progress. */
  async stop(): Promise<void> {
    const supervisor = this.supervisor;
    const producer = this.producer;
    this.supervisor = undefined;
    this.producer = undefined;
    await supervisor?.stop();
    if (supervisor) this.consumers.remove(supervisor);
    await producer?.disconnect().catch((e: unknown) => this.logger.warn(`producer disconnect: ${String(e)}`));
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const source = { consumer: this.config.KAFKA_GROUP_ID, topic: batch.topic, partition: batch.partition };
    const max = this.config.INGEST_MAX_BATCH;
    for (let i = 0; i < batch.messages.length; i += max) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(i, i + max);
      await this.ingestion.ingestBatch(
        source,
        chunk.map((m) => decodeBatchRootMessage(m)),
        (rejections) => this.deadLetter(batch.topic, batch.partition, chunk, rejections),
      );
      resolveOffset(chunk.at(-1)!.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  /** Publishes the (bounded) dead letters of a chunk's rejected records in one produce request (acks = all). */
  private async deadLetter(
    topic: string,
    partition: number,
    chunk: readonly KafkaMessage[],
    rejections: IngestPlan['rejections'],
  ): Promise<void> {
    const byOffset = new Map(chunk.map((m) => [m.offset, m]));
    const records = rejections.map((r) => {
      const m = byOffset.get(r.offset.toString());
      return buildDeadLetter({
        sourceTopic: topic,
        partition,
        offset: r.offset.toString(),
        key: m?.key,
        value: m?.value,
        reason: r.reason,
        errorCode: r.code,
        consumer: this.config.KAFKA_GROUP_ID,
      });
    });
    if (!this.producer) throw new Error('the batch-roots consumer is stopped');
    await sendDeadLetters(this.producer, this.config.TOPIC_DEAD_LETTER, records, {
      onUnwritable: (r, e) => {
        this.supervisor?.noteDroppedDeadLetter();
        this.logger.error(`dead letter of ${r.sourceTopic}/${r.partition}@${r.offset} dropped: ${String(e)}`);
      },
    });
  }
}

const decoder = new SafeJsonDeserializer();

/**
 * A batch-roots record as the ingestion takes it: the schema-valid record, or why it is not one (the codes and
 * reasons `validateOrDeadLetter` gives: MALFORMED_JSON for a value that is not UTF-8 JSON, SCHEMA_VIOLATION with the
 * zod issues).
 */
export function decodeBatchRootMessage(message: Pick<KafkaMessage, 'offset' | 'value'>): IncomingRecord {
  const offset = BigInt(message.offset);
  const data: unknown = decoder.deserialize(message, {}).data;
  if (data instanceof UnparsedKafkaValue) return { offset, invalid: { code: 'MALFORMED_JSON', reason: data.reason } };
  const parsed = batchRootRecordSchema.safeParse(data);
  if (parsed.success) return { offset, record: parsed.data };
  const reason = parsed.error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  return { offset, invalid: { code: 'SCHEMA_VIOLATION', reason } };
}
