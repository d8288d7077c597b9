import { publishDeadLetter, validateOrDeadLetter } from '@interop/infra';
import { batchRootRecordSchema } from '@interop/protocol';
import { Controller, Inject, type Type } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';

import type { HubConfig } from '../config/hubConfig';
import { HubMetrics } from '../metrics/hubMetrics';
import { IngestionService } from './ingestion.service';

/**
 * The Kafka handler of the batch-roots topic, as a class made per config because `@EventPattern` needs the topic
 * when the class is declared (tests use their own topics). It only validates the edge (JSON + zod, bad records are
 * dead-lettered by `validateOrDeadLetter`) and delegates to {@link IngestionService}. An unexpected error (database
 * down) propagates, so kafkajs retries the record instead of committing past it.
 */
export function batchRootsConsumer(
  config: Pick<HubConfig, 'TOPIC_BATCH_ROOTS' | 'TOPIC_DEAD_LETTER' | 'KAFKA_GROUP_ID'>,
): Type {
  // Nest 12 types the handler's extra arguments as unknown[]; the Kafka context is what it passes at runtime.
  const onTopic = EventPattern(config.TOPIC_BATCH_ROOTS) as MethodDecorator;

  @Controller()
  class BatchRootsConsumer {
    constructor(
      @Inject(IngestionService) private readonly ingestion: IngestionService,
      @Inject(HubMetrics) private readonly metrics: HubMetrics,
    ) {}

    @onTopic
    async onBatchRoot(@Payload() raw: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
      const record = await validateOrDeadLetter(batchRootRecordSchema, raw, ctx, {
        deadLetterTopic: config.TOPIC_DEAD_LETTER,
        consumer: config.KAFKA_GROUP_ID,
        onDeadLetter: (_reason, code) => this.metrics.batchRootsRejected.inc({ reason: code }),
      });
      if (record === undefined) return;
      const message = ctx.getMessage();
      const topic = ctx.getTopic();
      const partition = ctx.getPartition();
      await this.ingestion.ingest(
        record,
        { consumer: config.KAFKA_GROUP_ID, topic, partition, offset: BigInt(message.offset) },
        async (code, reason) => {
          await publishDeadLetter(ctx.getProducer(), {
            sourceTopic: topic,
            partition,
            offset: message.offset,
            key: message.key,
            value: message.value,
            reason,
            errorCode: code,
            consumer: config.KAFKA_GROUP_ID,
            deadLetterTopic: config.TOPIC_DEAD_LETTER,
          });
        },
      );
    }
  }
  return BatchRootsConsumer;
}
