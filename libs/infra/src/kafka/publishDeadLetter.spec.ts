import { deadLetterRecordSchema } from './deadLetterRecord';
import { publishDeadLetter, type DeadLetterProducer } from './publishDeadLetter';

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
});
