import { z } from 'zod';

/**
 * A record on `interop.dead-letter` (version 1): the rejected record, why, and when. Keyed by the source topic.
 * Operators read it; tools can parse it with this schema. Bounded: a dead letter quotes at most an excerpt of the
 * value (see `DEAD_LETTER_LIMITS`), with the value's size and SHA-256 to match it to the source record. The three
 * value* fields were added later in version 1; records written before them parse too.
 */
export const deadLetterRecordSchema = z.object({
  v: z.literal(1),
  sourceTopic: z.string(),
  partition: z.number().int().nonnegative(),
  /** Kafka offsets are int64: kept as the decimal string kafkajs gives. */
  offset: z.string().regex(/^\d+$/),
  /** The source record's key as UTF-8 text (null when it had none). */
  key: z.string().nullable(),
  /**
   * The source record's value, or its start when `valueTruncated`: UTF-8 text as is, anything else base64 (see
   * `valueEncoding`); null for a tombstone, or when even an excerpt could not be written (see `reason`).
   */
  value: z.string().nullable(),
  valueEncoding: z.enum(['utf8', 'base64']),
  /** Size of the source record's value in bytes (0 for a tombstone). */
  valueBytes: z.number().int().nonnegative().optional(),
  /** SHA-256 of the source record's value, lowercase hex (null for a tombstone). */
  valueSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .optional(),
  /** True when `value` holds only the start of the source value. */
  valueTruncated: z.boolean().optional(),
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
