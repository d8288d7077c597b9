import { createHash } from 'node:crypto';

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
  /** The rejected value exactly as read (the dead letter keeps an excerpt of it, its size and its hash). */
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
 * Bounds of a dead letter, in characters of its JSON text (what the broker measures, escaping included: a control
 * character of the value takes 6). With them a dead letter is at most ~12 KB whatever it quotes, far below any
 * broker's `message.max.bytes`, so writing it cannot fail for its size (a 900 KB record once stopped the hub: its
 * dead letter quoted the whole value and the broker refused it).
 */
export const DEAD_LETTER_LIMITS = { value: 8_192, reason: 2_048, key: 512, consumer: 256 } as const;

/**
 * Builds the dead letter of a rejected record: the value kept byte-exact when it fits (UTF-8 text as is, anything
 * else base64), else its first part with `valueTruncated`; always its size in bytes and SHA-256, so an operator can
 * match it to the source record. Reason, key and consumer are cut to their bounds too.
 */
export function buildDeadLetter(parameters: Omit<PublishDeadLetterParameters, 'deadLetterTopic'>): DeadLetterRecord {
  const raw = parameters.value;
  const bytes = raw === null || raw === undefined ? undefined : typeof raw === 'string' ? Buffer.from(raw) : raw;
  const { encoding, text, truncated } = excerpt(bytes);
  const key = parameters.key === null || parameters.key === undefined ? null : parameters.key.toString();
  return {
    v: 1,
    sourceTopic: fit(parameters.sourceTopic, DEAD_LETTER_LIMITS.key).text,
    partition: parameters.partition,
    offset: parameters.offset,
    key: key === null ? null : fit(key, DEAD_LETTER_LIMITS.key).text,
    value: text,
    valueEncoding: encoding,
    valueBytes: bytes?.length ?? 0,
    valueSha256: bytes ? createHash('sha256').update(bytes).digest('hex') : null,
    valueTruncated: truncated,
    reason: fit(parameters.reason, DEAD_LETTER_LIMITS.reason).text,
    errorCode: fit(parameters.errorCode, 64).text,
    at: (parameters.at ?? new Date()).toISOString(),
    ...(parameters.consumer !== undefined
      ? { consumer: fit(parameters.consumer, DEAD_LETTER_LIMITS.consumer).text }
      : {}),
  };
}

/**
 * Publishes a rejected record to the dead-letter topic, keyed by its source topic, and resolves once the broker has it
 * (acks = all). Rejects when the broker does not take it, so the caller retries the record instead of losing it
 * (consumers that must go on whatever happens use `sendDeadLetters`).
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
  const record = buildDeadLetter(parameters);
  await producer.send({
    topic: deadLetterTopic,
    acks: -1,
    messages: [{ key: record.sourceTopic, value: JSON.stringify(record) }],
  });
  return record;
}

/** The value as text within its bound: whole when it fits, else its start. */
function excerpt(bytes: Buffer | undefined): {
  encoding: 'utf8' | 'base64';
  text: string | null;
  truncated: boolean;
} {
  if (bytes === undefined) return { encoding: 'utf8', text: null, truncated: false };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Base64 has no characters JSON escapes: 4 characters per 3 bytes, cut on a 3-byte boundary.
    const max = Math.floor(DEAD_LETTER_LIMITS.value / 4) * 3;
    const truncated = bytes.length > max;
    return {
      encoding: 'base64',
      text: bytes.subarray(0, truncated ? max : bytes.length).toString('base64'),
      truncated,
    };
  }
  const { text: cut, truncated } = fit(text, DEAD_LETTER_LIMITS.value);
  return { encoding: 'utf8', text: cut, truncated };
}

/**
 * The longest start of `text` whose JSON string form has at most `budget` characters (never splitting a surrogate
 * pair). Hand-written: no library measures JSON-escaped length, and a cut by characters alone lets a value of
 * control characters grow 6-fold when the dead letter is serialized.
 */
export function fit(text: string, budget: number): { text: string; truncated: boolean } {
  let size = JSON.stringify(text).length - 2;
  if (size <= budget) return { text, truncated: false };
  let n = Math.min(text.length, budget);
  for (;;) {
    if (n > 0 && isHighSurrogate(text.charCodeAt(n - 1))) n--;
    size = JSON.stringify(text.slice(0, n)).length - 2;
    if (size <= budget) return { text: text.slice(0, n), truncated: true };
    // Shrink in proportion to the overshoot (escapes are 2 to 6 characters), at least by one.
    n = Math.max(0, Math.min(n - 1, Math.floor((n * budget) / size)));
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
