import { z } from 'zod';

/**
 * A record on `interop.dead-letter` (version 1): the rejected record, why, and when. Keyed by the source topic.
 * Operators read it; tools can parse it with this schema.
 */
export const deadLetterRecordSchema = z.object({
  v: z.literal(1),
  sourceTopic: z.string(),
  partition: z.number().int().nonnegative(),
  /** Kafka offsets are int64: kept as the decimal string kafkajs gives. */
  offset: z.string().regex(/^\d+$/),
  /** The source record's key as UTF-8 text (null when it had none). */
  key: z.string().nullable(),
  /** The source record's value: UTF-8 text as is, anything else base64 (see `valueEncoding`); null for a tombstone. */
  value: z.string().nullable(),
  valueEncoding: z.enum(['utf8', 'base64']),
  /** Human-readable reason, e.g. the zod issues. */
  reason: z.string(),
  /** Stable code: MALFORMED_JSON, SCHEMA_VIOLATION, or a consumer-specific code. */
  errorCode: z.string(),
  /** ISO-8601 time of the rejection. */
  at: z.string().datetime(),
  /** Which consumer rejected it (group id or app name), when known. */
  consumer: z.string().optional(),
});

/** A parsed `interop.dead-letter` record. */
export type DeadLetterRecord = z.infer<typeof deadLetterRecordSchema>;
