import { createHash } from 'node:crypto';

import { KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';

import { deadLetterRecordSchema, type DeadLetterRecord } from './deadLetterRecord';
import {
  buildDeadLetter,
  DEAD_LETTER_LIMITS,
  fit,
  publishDeadLetter,
  type DeadLetterProducer,
} from './publishDeadLetter';
import { isPermanentKafkaRefusal, sendDeadLetters } from './sendDeadLetters';

/** Records what would go to the broker; the logic under test (record building, encoding, keying) is real. */
function capturingProducer() {
  const sent: Array<{ topic: string; acks?: number; messages: Array<{ key: string; value: string }> }> = [];
  const producer: DeadLetterProducer = {
    send(record) {
      sent.push(record);
      return Promise.resolve([]);
    },
  };
  return { producer, sent };
}

describe('publishDeadLetter', () => {
  const base = {
    sourceTopic: 'interop.batch-roots',
    partition: 2,
    offset: '9007199254740993',
    key: Buffer.from('901'),
    reason: 'batchRoot: Invalid input',
    errorCode: 'SCHEMA_VIOLATION',
    at: new Date('2026-01-02T03:04:05.000Z'),
  };

  it('publishes a versioned record keyed by the source topic with acks=all', async () => {
    const { producer, sent } = capturingProducer();
    const record = await publishDeadLetter(producer, { ...base, value: Buffer.from('{"v":1}'), consumer: 'hub' });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.topic).toBe('interop.dead-letter');
    expect(sent[0]!.acks).toBe(-1);
    expect(sent[0]!.messages[0]!.key).toBe('interop.batch-roots');
    const onWire = deadLetterRecordSchema.parse(JSON.parse(sent[0]!.messages[0]!.value));
    expect(onWire).toEqual(record);
    expect(onWire).toEqual({
      v: 1,
      sourceTopic: 'interop.batch-roots',
      partition: 2,
      offset: '9007199254740993',
      key: '901',
      value: '{"v":1}',
      valueEncoding: 'utf8',
      valueBytes: 7,
      valueSha256: createHash('sha256').update('{"v":1}').digest('hex'),
      valueTruncated: false,
      reason: 'batchRoot: Invalid input',
      errorCode: 'SCHEMA_VIOLATION',
      at: '2026-01-02T03:04:05.000Z',
      consumer: 'hub',
    });
  });

  it('keeps non-UTF-8 values byte-exact as base64', async () => {
    const { producer, sent } = capturingProducer();
    const bytes = Buffer.from([0x00, 0xff, 0xc3, 0x28]);
    const record = await publishDeadLetter(producer, { ...base, value: bytes, deadLetterTopic: 'test.dlq' });
    expect(sent[0]!.topic).toBe('test.dlq');
    expect(record.valueEncoding).toBe('base64');
    expect(Buffer.from(record.value!, 'base64')).toEqual(bytes);
  });

  it('records a tombstone and a missing key as null', async () => {
    const { producer } = capturingProducer();
    const record = await publishDeadLetter(producer, { ...base, key: null, value: null });
    expect(record.key).toBeNull();
    expect(record.value).toBeNull();
  });

  it('fails when the broker does not take the dead letter, so the caller retries the record', async () => {
    const producer: DeadLetterProducer = { send: () => Promise.reject(new Error('broker down')) };
    await expect(publishDeadLetter(producer, { ...base, value: 'x' })).rejects.toThrow('broker down');
  });

  it('bounds what it quotes: a 900 KB value, 200 KB of control characters, a huge invalid-UTF-8 value, a long reason', () => {
    const big = `{"v":1,"pad":"${'x'.repeat(900_000)}"}`;
    const control = '\u0001'.repeat(200_000);
    const binary = Buffer.alloc(700_000, 0xff);
    for (const value of [big, control, binary]) {
      const bytes = typeof value === 'string' ? Buffer.from(value) : value;
      const record = buildDeadLetter({ ...base, value, reason: `${'why '.repeat(10_000)}\u0000`.repeat(3) });
      const json = JSON.stringify(record);
      // Every part within its bound: the whole record stays ~12 KB.
      expect(json.length).toBeLessThan(DEAD_LETTER_LIMITS.value + DEAD_LETTER_LIMITS.reason + 1_000);
      expect(record.valueTruncated).toBe(true);
      expect(record.valueBytes).toBe(bytes.length);
      expect(record.valueSha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(deadLetterRecordSchema.parse(JSON.parse(json))).toEqual(record);
      // The excerpt is the value's start.
      if (record.valueEncoding === 'base64')
        expect(bytes.subarray(0, 3).toString('base64')).toBe(record.value!.slice(0, 4));
      else expect(typeof value === 'string' && value.startsWith(record.value!)).toBe(true);
    }
  });

  it('fit keeps the longest start whose JSON form is within budget, never splitting a surrogate pair', () => {
    expect(fit('abc', 3)).toEqual({ text: 'abc', truncated: false });
    expect(fit('abcd', 3)).toEqual({ text: 'abc', truncated: true });
    // A control character is 6 characters in JSON.
    expect(fit('a\u0001b', 7)).toEqual({ text: 'a\u0001', truncated: true });
    expect(fit('a\u0001b', 6)).toEqual({ text: 'a', truncated: true });
    // An emoji is two UTF-16 units: cut before it, not inside.
    expect(fit('ab😀', 3)).toEqual({ text: 'ab', truncated: true });
    for (const budget of [0, 1, 5, 17, 100]) {
      const out = fit('\n"😀x'.repeat(50), budget);
      expect(JSON.stringify(out.text).length - 2).toBeLessThanOrEqual(budget);
      expect(JSON.stringify(out.text + '\n"😀x'.slice(0, 1)).length - 2).toBeGreaterThan(budget);
    }
  });
});

describe('sendDeadLetters', () => {
  const letter = (offset: number, value: string): DeadLetterRecord =>
    buildDeadLetter({
      sourceTopic: 't',
      partition: 0,
      offset: String(offset),
      key: null,
      value,
      reason: 'bad',
      errorCode: 'SCHEMA_VIOLATION',
    });
  /** A broker that refuses records over `limit` characters the way kafkajs reports it (non-retriable, typed). */
  const broker = (limit: number) => {
    const written: DeadLetterRecord[] = [];
    const producer: DeadLetterProducer = {
      send: ({ messages }) => {
        if (messages.some((m) => m.value.length > limit)) {
          const protocol = new KafkaJSProtocolError({
            type: 'MESSAGE_TOO_LARGE',
            code: 10,
            retriable: false,
            message: 'The request included a message larger than the max message size the server will accept',
          } as never);
          // As kafkajs's retrier raises it: the protocol error as the cause (its typings omit the options).
          return Promise.reject(Object.assign(new KafkaJSNonRetriableError(protocol), { cause: protocol }));
        }
        written.push(...messages.map((m) => deadLetterRecordSchema.parse(JSON.parse(m.value))));
        return Promise.resolve();
      },
    };
    return { producer, written };
  };

  it('writes all in one request when the broker takes them', async () => {
    const { producer, written } = broker(1_000_000);
    const result = await sendDeadLetters(producer, 'dlq', [letter(1, 'a'), letter(2, 'b')]);
    expect(result).toEqual({ written: 2, shrunk: 0, unwritable: 0 });
    expect(written.map((r) => r.offset)).toEqual(['1', '2']);
  });

  it('sends a refused dead letter again without its excerpt, and drops (and reports) one refused even so', async () => {
    const { producer, written } = broker(2_000);
    const dropped: string[] = [];
    const result = await sendDeadLetters(producer, 'dlq', [letter(1, 'a'), letter(2, 'y'.repeat(5_000))], {
      onUnwritable: (r) => dropped.push(r.offset),
    });
    expect(result).toEqual({ written: 2, shrunk: 1, unwritable: 0 });
    expect(written.find((r) => r.offset === '2')).toMatchObject({
      value: null,
      valueTruncated: true,
      valueBytes: 5_000,
    });
    expect(written.find((r) => r.offset === '2')!.reason).toMatch(/^bad \[dead letter refused by the broker/);

    const tiny = broker(100);
    const result2 = await sendDeadLetters(tiny.producer, 'dlq', [letter(3, 'z')], {
      onUnwritable: (r) => dropped.push(r.offset),
    });
    expect(result2).toEqual({ written: 0, shrunk: 0, unwritable: 1 });
    expect(dropped).toEqual(['3']);
  });

  it('rejects on a failure a retry can fix (broker away), so the caller retries the source records', async () => {
    const producer: DeadLetterProducer = { send: () => Promise.reject(new Error('Connection error: ECONNREFUSED')) };
    await expect(sendDeadLetters(producer, 'dlq', [letter(1, 'a')])).rejects.toThrow('ECONNREFUSED');
    expect(isPermanentKafkaRefusal(new Error('x'))).toBe(false);
  });
});
