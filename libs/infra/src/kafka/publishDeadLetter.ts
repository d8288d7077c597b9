import type { DeadLetterRecord } from './deadLetterRecord';
import { TOPICS } from './topics';

/** The part of a kafkajs producer needed here (Nest's `KafkaContext#getProducer()` and kafkajs's both fit). */
export type DeadLetterProducer = {
  send(record: { topic: string; acks?: number; messages: Array<{ key: string; value: string }> }): Promise<unknown>;
};

export type PublishDeadLetterParameters = {
  sourceTopic: string;
  partition: number;
  offset: string;
  key: Buffer | string | null | undefined;
  /** The rejected value exactly as read. */
  value: Buffer | string | null | undefined;
  reason: string;
  errorCode: string;
  /** Defaults to now. */
  at?: Date;
  consumer?: string;
  /** Topic to publish to (default `interop.dead-letter`; tests use their own). */
  deadLetterTopic?: string;
};

/**
 * Publishes a rejected record to the dead-letter topic, keyed by its source topic, and resolves once the broker has it
 * (acks = all). The value is kept byte-exact: UTF-8 text as is, anything else base64.
 *
 * @example
 * await publishDeadLetter(ctx.getProducer(), {
 *   sourceTopic: 'interop.batch-roots', partition: 0, offset: '42', key: '901', value: rawBytes,
 *   reason: 'batchRoot: expected 0x-prefixed bytes32', errorCode: 'SCHEMA_VIOLATION',
 * });
 */
export async function publishDeadLetter(
  producer: DeadLetterProducer,
  { deadLetterTopic = TOPICS.deadLetter, ...parameters }: PublishDeadLetterParameters,
): Promise<DeadLetterRecord> {
  const { encoding, text } = encodeValue(parameters.value);
  const record: DeadLetterRecord = {
    v: 1,
    sourceTopic: parameters.sourceTopic,
    partition: parameters.partition,
    offset: parameters.offset,
    key: parameters.key === null || parameters.key === undefined ? null : parameters.key.toString(),
    value: text,
    valueEncoding: encoding,
    reason: parameters.reason,
    errorCode: parameters.errorCode,
    at: (parameters.at ?? new Date()).toISOString(),
    ...(parameters.consumer !== undefined ? { consumer: parameters.consumer } : {}),
  };
  await producer.send({
    topic: deadLetterTopic,
    acks: -1,
    messages: [{ key: parameters.sourceTopic, value: JSON.stringify(record) }],
  });
  return record;
}

function encodeValue(value: Buffer | string | null | undefined): { encoding: 'utf8' | 'base64'; text: string | null } {
  if (value === null || value === undefined) return { encoding: 'utf8', text: null };
  if (typeof value === 'string') return { encoding: 'utf8', text: value };
  try {
    return { encoding: 'utf8', text: new TextDecoder('utf-8', { fatal: true }).decode(value) };
  } catch {
    return { encoding: 'base64', text: value.toString('base64') };
  }
}
