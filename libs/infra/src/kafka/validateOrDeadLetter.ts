import type { KafkaContext } from '@nestjs/microservices';
import type { z } from 'zod';

import { publishDeadLetter, type DeadLetterProducer } from './publishDeadLetter';
import { UnparsedKafkaValue } from './unparsedKafkaValue';

export type ValidateOrDeadLetterOptions = {
  /** Dead-letter topic (default `interop.dead-letter`). */
  deadLetterTopic?: string;
  /** Named in the dead-letter record (group id or app name). */
  consumer?: string;
  /** Producer for the dead letter; default the microservice's own (`ctx.getProducer()`). */
  producer?: DeadLetterProducer;
  /** Called after a record was dead-lettered, e.g. to log or count it. */
  onDeadLetter?: (reason: string, errorCode: string) => void;
};

/**
 * The edge of every consumer: validates a record's payload with a zod schema and returns the parsed value, or
 * publishes the record to the dead-letter topic (with the zod issues, or why it was not JSON, as the reason),
 * commits its offset and resolves `undefined`, so that one bad record never stops the consumer. If the dead letter
 * cannot be published, this rejects and the record is retried instead of being lost.
 *
 * @example
 * @EventPattern<string>(TOPICS.batchRoots) // <string>: Nest's typed overload rejects a typed 2nd parameter
 * async onBatchRoot(@Payload() raw: unknown, @Ctx() ctx: KafkaContext) {
 *   const root = await validateOrDeadLetter(signedBatchRootSchema, raw, ctx, { consumer: 'hub' });
 *   if (root === undefined) return;
 *   await this.ingestion.ingest(root);
 * }
 */
export async function validateOrDeadLetter<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  ctx: KafkaContext,
  options: ValidateOrDeadLetterOptions = {},
): Promise<z.output<S> | undefined> {
  let reason: string;
  let errorCode: string;
  if (raw instanceof UnparsedKafkaValue) {
    reason = raw.reason;
    errorCode = 'MALFORMED_JSON';
  } else {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    reason = parsed.error.issues
      .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
      .join('; ');
    errorCode = 'SCHEMA_VIOLATION';
  }
  const message = ctx.getMessage();
  const topic = ctx.getTopic();
  const partition = ctx.getPartition();
  await publishDeadLetter(options.producer ?? ctx.getProducer(), {
    sourceTopic: topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    reason,
    errorCode,
    ...(options.deadLetterTopic !== undefined ? { deadLetterTopic: options.deadLetterTopic } : {}),
    ...(options.consumer !== undefined ? { consumer: options.consumer } : {}),
  });
  // Acknowledge now: with autoCommit off, nothing else would move the group past this record.
  await ctx.getConsumer().commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
  options.onDeadLetter?.(reason, errorCode);
  return undefined;
}
