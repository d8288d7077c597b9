import {
  buildDeadLetter,
  ConsumerRegistry,
  ConsumerSupervisor,
  createKafkaClient,
  kafkaMicroserviceOptions,
  SafeJsonDeserializer,
  sendDeadLetters,
  UnparsedKafkaValue,
} from '@interop/infra';
import { messageRecordSchema, sharedRootRecordSchema, type MessageRecord } from '@interop/protocol';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import type { z } from 'zod';

import { BRIDGE_CONFIG, type BridgeConfig } from '../config/bridgeConfig';
import type { RecordSource } from './intake.repository';
import { IntakeService } from './intake.service';

/** The outcome of the edge check of one record: its parsed value, or why it goes to the dead-letter topic. */
export type EdgeCheck<T> = { ok: true; value: T } | { ok: false; errorCode: string; reason: string };

/**
 * The edge check of the bridge's consumers (the rules of libs/infra `validateOrDeadLetter`, for records read in
 * batches): the value must be UTF-8 JSON (`MALFORMED_JSON` otherwise, with the decoder's reason) that satisfies
 * `schema` (`SCHEMA_VIOLATION`, with every zod issue and its path).
 */
export function checkRecord<S extends z.ZodType>(schema: S, value: Buffer | null): EdgeCheck<z.output<S>> {
  const raw: unknown = new SafeJsonDeserializer().deserialize({ value }, {}).data;
  if (raw instanceof UnparsedKafkaValue) return { ok: false, errorCode: 'MALFORMED_JSON', reason: raw.reason };
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const reason = parsed.error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  return { ok: false, errorCode: 'SCHEMA_VIOLATION', reason };
}

/** Message records stored per database transaction (the records of a Kafka batch are cut into chunks of this). */
export const INTAKE_CHUNK = 500;

/**
 * The bridge's Kafka consumer of `interop.messages` and `interop.shared-roots` (kafkajs, one consumer in the group
 * KAFKA_GROUP_ID, the project's consumer settings). Message records are consumed in batches: the records of a fetched
 * batch (up to INTAKE_CHUNK at a time) are checked at the edge (bad ones dead-lettered with the reason first) and
 * stored in one database transaction together with the partition's checkpoint (IntakeService.onMessageRecords);
 * only then is their offset resolved and committed. Shared roots are applied one at a time, in order. An unexpected
 * error (database down) propagates, so kafkajs fetches the batch again from the last resolved offset instead of
 * committing past it; records at or below the stored checkpoint are skipped, so a redelivery changes nothing. The
 * consumer is supervised ({@link ConsumerSupervisor}): when kafkajs gives up on it, a new one starts with backoff and
 * `/health` says so meanwhile. Dead letters are bounded, and one the broker still refuses is logged, counted and
 * dropped, so no record can wedge the consumer.
 */
@Injectable()
export class IntakeConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Intake');
  private supervisor: ConsumerSupervisor | undefined;
  private producer: Producer | undefined;

  constructor(
    @Inject(IntakeService) private readonly intake: IntakeService,
    @Inject(BRIDGE_CONFIG)
    private readonly config: Pick<
      BridgeConfig,
      'KAFKA_BROKERS' | 'KAFKA_GROUP_ID' | 'KAFKA_FAST' | 'TOPIC_MESSAGES' | 'TOPIC_SHARED_ROOTS' | 'TOPIC_DEAD_LETTER'
    >,
    @Inject(ConsumerRegistry) private readonly consumers: ConsumerRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The consumer settings every app of the project uses (kafkaMicroserviceOptions), on a plain kafkajs consumer:
    // Nest's Kafka transport hands records over one at a time only.
    const { options } = kafkaMicroserviceOptions({
      brokers: this.config.KAFKA_BROKERS,
      clientId: 'bridge',
      groupId: this.config.KAFKA_GROUP_ID,
      fast: this.config.KAFKA_FAST,
    });
    const kafka = createKafkaClient({
      brokers: this.config.KAFKA_BROKERS,
      clientId: 'bridge',
      fast: this.config.KAFKA_FAST,
    });
    this.producer = kafka.producer(options?.producer);
    const supervisor = new ConsumerSupervisor({
      name: 'bridge.intake',
      logger: this.logger,
      create: () => kafka.consumer({ ...options!.consumer!, groupId: this.config.KAFKA_GROUP_ID }),
      run: async (consumer) => {
        await this.producer!.connect();
        await consumer.connect();
        await consumer.subscribe({
          topics: [this.config.TOPIC_MESSAGES, this.config.TOPIC_SHARED_ROOTS],
          fromBeginning: options?.subscribe?.fromBeginning ?? true,
        });
        await consumer.run({
          eachBatchAutoResolve: false,
          eachBatch: (payload) =>
            payload.batch.topic === this.config.TOPIC_SHARED_ROOTS ? this.sharedRoots(payload) : this.messages(payload),
        });
      },
    });
    this.supervisor = this.consumers.add(supervisor);
    await supervisor.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.supervisor?.stop();
    await this.producer?.disconnect().catch((e: unknown) => this.logger.warn(`producer disconnect: ${String(e)}`));
  }

  private async messages({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    for (let i = 0; i < batch.messages.length; i += INTAKE_CHUNK) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(i, i + INTAKE_CHUNK);
      const records: Array<{ record: MessageRecord; source: RecordSource }> = [];
      for (const m of chunk) {
        const check = checkRecord(messageRecordSchema, m.value);
        if (check.ok) records.push({ record: check.value, source: this.source(batch.topic, batch.partition, m) });
        else await this.deadLetter(batch.topic, batch.partition, m, check.errorCode, check.reason);
      }
      const last = chunk[chunk.length - 1]!;
      await this.intake.onMessageRecords(records, this.source(batch.topic, batch.partition, last));
      resolveOffset(last.offset);
      await heartbeat();
    }
  }

  private async sharedRoots({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    for (const m of batch.messages) {
      if (!isRunning() || isStale()) return;
      const source = this.source(batch.topic, batch.partition, m);
      const check = checkRecord(sharedRootRecordSchema, m.value);
      if (check.ok) {
        await this.intake.onSharedRoot(check.value, source, (errorCode, reason) =>
          this.deadLetter(batch.topic, batch.partition, m, errorCode, reason),
        );
      } else {
        await this.deadLetter(batch.topic, batch.partition, m, check.errorCode, check.reason);
      }
      resolveOffset(m.offset);
      await heartbeat();
    }
  }

  private source(topic: string, partition: number, m: KafkaMessage): RecordSource {
    return { consumer: this.config.KAFKA_GROUP_ID, topic, partition, offset: BigInt(m.offset) };
  }

  private async deadLetter(
    topic: string,
    partition: number,
    m: KafkaMessage,
    errorCode: string,
    reason: string,
  ): Promise<void> {
    this.logger.warn(`record ${topic}/${partition}@${m.offset} dead-lettered: ${errorCode}: ${reason.slice(0, 500)}`);
    const record = buildDeadLetter({
      sourceTopic: topic,
      partition,
      offset: m.offset,
      key: m.key,
      value: m.value,
      reason,
      errorCode,
      consumer: this.config.KAFKA_GROUP_ID,
    });
    await sendDeadLetters(this.producer!, this.config.TOPIC_DEAD_LETTER, [record], {
      onUnwritable: (r, e) => {
        this.supervisor?.noteDroppedDeadLetter();
        this.logger.error(`dead letter of ${r.sourceTopic}/${r.partition}@${r.offset} dropped: ${String(e)}`);
      },
    });
  }
}
