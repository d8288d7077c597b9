import type { Producer } from 'kafkajs';

/** A record value no consumer may choke on, with what it is. */
export type HostileRecord = { name: string; value: Buffer | null };

/**
 * Values a hostile client can put on any topic of the project, for the "no record can stop a consumer" tests: empty,
 * a tombstone, 1 MB minus a little (under the broker's default `message.max.bytes` of 1,048,588), 200 KB of control
 * characters (6 bytes each once JSON-escaped), invalid UTF-8, deep nesting, huge numbers and wrong types.
 * `overLimit` is above the broker's limit: a client cannot even send it (see `sendHostileRecords`).
 */
export function hostileRecords(): HostileRecord[] {
  const nearLimit = `{"v":1,"pad":"${'x'.repeat(1_040_000)}"}`;
  return [
    { name: 'empty', value: Buffer.alloc(0) },
    { name: 'tombstone', value: null },
    { name: '1 MB minus a little', value: Buffer.from(nearLimit) },
    { name: '200 KB of control characters', value: Buffer.from('\u0001'.repeat(200_000)) },
    { name: 'invalid UTF-8', value: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]) },
    { name: 'deep nesting', value: Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) },
    { name: 'deep objects', value: Buffer.from(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`) },
    { name: 'huge numbers', value: Buffer.from(`{"v":1e400,"epoch":${'9'.repeat(100_000)},"chainId":-1e-400}`) },
    { name: 'wrong types', value: Buffer.from('{"v":"1","epoch":[],"chainId":{},"root":true,"proof":null}') },
  ];
}

/** Above the broker's default `message.max.bytes`. */
export const OVER_LIMIT_BYTES = 1_100_000;

/**
 * Produces every hostile record to `topic` (key `key`) with a plain kafkajs producer, as an outside client would,
 * and tries one over the broker's limit too. Returns the names sent and whether the broker refused the oversized one
 * (it must: nothing above the limit can reach a consumer).
 */
export async function sendHostileRecords(
  producer: Producer,
  topic: string,
  key: string | null = null,
): Promise<{ sent: string[]; overLimitRefused: boolean }> {
  const records = hostileRecords();
  for (const r of records) await producer.send({ topic, acks: -1, messages: [{ key, value: r.value }] });
  let overLimitRefused = false;
  try {
    await producer.send({ topic, acks: -1, messages: [{ key, value: Buffer.alloc(OVER_LIMIT_BYTES, 0x61) }] });
  } catch (e) {
    overLimitRefused = /larger than the max message size|MESSAGE_TOO_LARGE|too large/i.test(String(e));
    if (!overLimitRefused) throw e;
  }
  return { sent: records.map((r) => r.name), overLimitRefused };
}
