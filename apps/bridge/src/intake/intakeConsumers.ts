import { publishDeadLetter, validateOrDeadLetter } from '@interop/infra';
import { messageRecordSchema, sharedRootRecordSchema } from '@interop/protocol';
import { Controller, type Type, Inject } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';

import type { BridgeConfig } from '../config/bridgeConfig';
import { IntakeService } from './intake.service';
import type { RecordSource } from './intake.repository';

type ConsumerConfig = Pick<
  BridgeConfig,
  'TOPIC_MESSAGES' | 'TOPIC_SHARED_ROOTS' | 'TOPIC_DEAD_LETTER' | 'KAFKA_GROUP_ID'
>;

function sourceOf(ctx: KafkaContext, consumer: string): RecordSource {
  return { consumer, topic: ctx.getTopic(), partition: ctx.getPartition(), offset: BigInt(ctx.getMessage().offset) };
}

/**
 * The Kafka handlers of `interop.messages` and `interop.shared-roots`, as a class made per config because
 * `@EventPattern` needs the topic when the class is declared (tests use their own topics). They validate the edge
 * (JSON + zod; bad records are dead-lettered with the reason) and delegate to {@link IntakeService}. An unexpected
 * error (database down) propagates, so kafkajs retries the record instead of committing past it.
 */
export function intakeConsumers(config: ConsumerConfig): Type {
  // Nest 12 types the handler's extra arguments as unknown[]; the Kafka context is what it passes at runtime.
  const onMessages = EventPattern(config.TOPIC_MESSAGES) as MethodDecorator;
  const onSharedRoots = EventPattern(config.TOPIC_SHARED_ROOTS) as MethodDecorator;
  const edge = { deadLetterTopic: config.TOPIC_DEAD_LETTER, consumer: config.KAFKA_GROUP_ID };

  @Controller()
  class IntakeConsumers {
    constructor(@Inject(IntakeService) private readonly intake: IntakeService) {}

    @onMessages
    async onMessage(@Payload() raw: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
      const record = await validateOrDeadLetter(messageRecordSchema, raw, ctx, edge);
      if (record === undefined) return;
      await this.intake.onMessageRecord(record, sourceOf(ctx, config.KAFKA_GROUP_ID));
    }

    @onSharedRoots
    async onSharedRoot(@Payload() raw: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
      const record = await validateOrDeadLetter(sharedRootRecordSchema, raw, ctx, edge);
      if (record === undefined) return;
      const message = ctx.getMessage();
      await this.intake.onSharedRoot(record, sourceOf(ctx, config.KAFKA_GROUP_ID), async (errorCode, reason) => {
        await publishDeadLetter(ctx.getProducer(), {
          sourceTopic: ctx.getTopic(),
          partition: ctx.getPartition(),
          offset: message.offset,
          key: message.key,
          value: message.value,
          reason,
          errorCode,
          consumer: config.KAFKA_GROUP_ID,
          deadLetterTopic: config.TOPIC_DEAD_LETTER,
        });
      });
    }
  }
  return IntakeConsumers;
}
