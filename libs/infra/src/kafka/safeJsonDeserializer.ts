import type { ConsumerDeserializer, IncomingEvent } from '@nestjs/microservices';

import { UnparsedKafkaValue } from './unparsedKafkaValue';

/**
 * Nest Kafka deserializer that never throws and never lets a record pick its own handler.
 *
 * Nest's default treats a JSON value with `pattern`/`data` fields as an internal packet and routes it by that
 * `pattern`, so a crafted record could reach another handler; and it hands unparseable values over as strings that a
 * handler cannot tell from JSON strings. Here the pattern is always the topic, the payload is the parsed JSON, and a
 * value that is not UTF-8 JSON arrives as an `UnparsedKafkaValue` (with the raw bytes) for the handler to dead-letter.
 * Needs the parser's `keepBinary: true` (set by `kafkaMicroserviceOptions`), so the value arrives as the original bytes.
 *
 * @example
 * new SafeJsonDeserializer().deserialize({ value: Buffer.from('{"a":1}') }, { channel: 't' }); // { pattern: 't', data: { a: 1 } }
 */
export class SafeJsonDeserializer implements ConsumerDeserializer {
  deserialize(message: unknown, options?: Record<string, unknown>): IncomingEvent {
    const channel = typeof options?.channel === 'string' ? options.channel : undefined;
    const value = message !== null && typeof message === 'object' && 'value' in message ? message.value : undefined;
    return { pattern: channel, data: decodeJsonValue(value) };
  }
}

/** Parses a record value as UTF-8 JSON; anything else becomes an `UnparsedKafkaValue`. */
function decodeJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return new UnparsedKafkaValue(null, 'empty value (tombstone)');
  // With keepBinary the value is a Buffer; a string can only come from a parser configured otherwise.
  const raw = Buffer.isBuffer(value)
    ? value
    : Buffer.from(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
  let text: string;
  try {
    // fatal: invalid UTF-8 must not be replaced by U+FFFD and then parse "successfully".
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return new UnparsedKafkaValue(raw, 'value is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    return new UnparsedKafkaValue(raw, `value is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}
