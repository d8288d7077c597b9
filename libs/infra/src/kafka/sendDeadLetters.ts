import type { DeadLetterRecord } from './deadLetterRecord';
import { DEAD_LETTER_LIMITS, fit, type DeadLetterProducer } from './publishDeadLetter';

/**
 * Broker refusals that resending cannot change (kafkajs protocol error types): the record is too large for the topic,
 * or the broker's validation refuses it. Anything else (broker away, leader moving, timeout) is worth a retry.
 */
const PERMANENT_REFUSALS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE']);

/** True when `error` (or an error it wraps) is a broker refusal that no retry can overcome. */
export function isPermanentKafkaRefusal(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && PERMANENT_REFUSALS.has(type)) return true;
  }
  return false;
}

export type SendDeadLettersHooks = {
  /** A dead letter the broker refused even without its value excerpt: it is dropped (log and count it). */
  onUnwritable?: (record: DeadLetterRecord, error: unknown) => void;
};

export type SendDeadLettersReturnType = { written: number; shrunk: number; unwritable: number };

/**
 * Writes dead letters (built by `buildDeadLetter`) so that no record can stop the consumer that rejected it: one
 * produce request (acks = all) for all of them; if the broker refuses it for good (too large, invalid), each is sent
 * alone, a refused one again without its value excerpt, and one refused even so is handed to `onUnwritable` and
 * dropped, so the consumer goes on. A failure worth retrying (broker away) rejects, and the caller retries the source
 * records rather than losing them. At least once: a retry may write a dead letter twice.
 *
 * @example
 * await sendDeadLetters(producer, 'interop.dead-letter', records, {
 *   onUnwritable: (r, e) => logger.error(`dead letter of ${r.sourceTopic}@${r.offset} dropped: ${String(e)}`),
 * });
 */
export async function sendDeadLetters(
  producer: DeadLetterProducer,
  topic: string,
  records: readonly DeadLetterRecord[],
  hooks: SendDeadLettersHooks = {},
): Promise<SendDeadLettersReturnType> {
  const result = { written: 0, shrunk: 0, unwritable: 0 };
  if (records.length === 0) return result;
  const send = (list: readonly DeadLetterRecord[]) =>
    producer.send({
      topic,
      acks: -1,
      messages: list.map((r) => ({ key: r.sourceTopic, value: JSON.stringify(r) })),
    });
  try {
    await send(records);
    result.written = records.length;
    return result;
  } catch (e) {
    if (!isPermanentKafkaRefusal(e)) throw e;
  }
  for (const record of records) {
    try {
      await send([record]);
      result.written++;
      continue;
    } catch (e) {
      if (!isPermanentKafkaRefusal(e)) throw e;
      const bare: DeadLetterRecord = {
        ...record,
        value: null,
        valueTruncated: record.valueBytes !== 0,
        reason: fit(
          `${record.reason} [dead letter refused by the broker (${e instanceof Error ? e.message : String(e)}); value omitted]`,
          DEAD_LETTER_LIMITS.reason,
        ).text,
      };
      try {
        await send([bare]);
        result.written++;
        result.shrunk++;
      } catch (e2) {
        if (!isPermanentKafkaRefusal(e2)) throw e2;
        result.unwritable++;
        hooks.onUnwritable?.(record, e2);
      }
    }
  }
  return result;
}
