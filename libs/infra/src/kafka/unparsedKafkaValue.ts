/**
 * What a handler receives (as its payload) when a record's value is not JSON: the raw bytes and why parsing failed.
 * `validateOrDeadLetter` recognises it and dead-letters the record with code `MALFORMED_JSON`.
 */
export class UnparsedKafkaValue {
  constructor(
    /** The record's value exactly as it was on the wire (null for a tombstone). */
    readonly raw: Buffer | null,
    /** Why it is not JSON (the `JSON.parse` message, or "empty value"). */
    readonly reason: string,
  ) {}
}
