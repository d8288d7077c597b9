import { SafeJsonDeserializer } from './safeJsonDeserializer';
import { UnparsedKafkaValue } from './unparsedKafkaValue';

describe('SafeJsonDeserializer', () => {
  const deserializer = new SafeJsonDeserializer();
  const read = (value: unknown) => deserializer.deserialize({ value }, { channel: 'interop.batch-roots' });

  it('parses UTF-8 JSON and routes by topic', () => {
    expect(read(Buffer.from('{"chainId":"901","n":[1,2]}'))).toEqual({
      pattern: 'interop.batch-roots',
      data: { chainId: '901', n: [1, 2] },
    });
    expect(read(Buffer.from('"just a string"')).data).toBe('just a string');
  });

  it('never lets a record choose its handler through pattern/data fields', () => {
    const packet = read(Buffer.from('{"pattern":"interop.proofs","data":{"x":1}}'));
    expect(packet.pattern).toBe('interop.batch-roots');
    expect(packet.data).toEqual({ pattern: 'interop.proofs', data: { x: 1 } });
  });

  it('hands malformed JSON over with its raw bytes instead of throwing', () => {
    const raw = Buffer.from('{"chainId":');
    const { data } = read(raw);
    expect(data).toBeInstanceOf(UnparsedKafkaValue);
    expect((data as UnparsedKafkaValue).raw).toEqual(raw);
    expect((data as UnparsedKafkaValue).reason).toMatch(/^value is not JSON: /);
  });

  it('rejects bytes that are not UTF-8 rather than decoding them with replacement characters', () => {
    // "\"\xff\"" would decode leniently to the JSON string "\ufffd".
    const raw = Buffer.from([0x22, 0xff, 0x22]);
    const { data } = read(raw);
    expect(data).toEqual(new UnparsedKafkaValue(raw, 'value is not valid UTF-8'));
  });

  it('treats a tombstone (null value) as unparsed', () => {
    expect(read(null).data).toEqual(new UnparsedKafkaValue(null, 'empty value (tombstone)'));
  });
});
