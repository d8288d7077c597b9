import { chunkBySize } from './kafkaRecordSink';

describe('chunkBySize', () => {
  const record = (i: number, bytes: number) => ({ key: '901', value: String(i).padEnd(bytes - 3, 'x') });

  it('splits records into consecutive requests within the byte limit, keeping their order', () => {
    const records = Array.from({ length: 10 }, (_, i) => record(i, 100)); // 100 bytes each with the key
    const chunks = chunkBySize(records, 350);
    expect(chunks.map((c) => c.length)).toEqual([3, 3, 3, 1]);
    expect(chunks.flat()).toEqual(records);
    expect(chunkBySize(records, 1_000)).toEqual([records]);
  });

  it('sends a record larger than the limit alone, and nothing for no records', () => {
    const big = record(1, 500);
    expect(chunkBySize([record(0, 100), big, record(2, 100)], 300).map((c) => c.length)).toEqual([1, 1, 1]);
    expect(chunkBySize([], 300)).toEqual([]);
  });
});
