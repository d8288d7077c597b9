import { messageRecordSchema, messageRecordToJson } from '@interop/protocol';
import { sampleMessage } from '@interop/protocol/testing/fixtures';

import { checkRecord } from './intakeConsumer';

describe('checkRecord (the edge of the batch consumer)', () => {
  const record = {
    batchNumber: 3n,
    batchRoot: `0x${'ab'.repeat(32)}` as const,
    messageCount: 2,
    leafIndex: 1,
    message: sampleMessage({ nonce: 7n }),
    txHash: `0x${'cd'.repeat(32)}` as const,
    blockNumber: 10n,
    logIndex: 0,
  };

  it('parses a valid record', () => {
    const check = checkRecord(messageRecordSchema, Buffer.from(messageRecordToJson(record)));
    expect(check).toEqual({ ok: true, value: { v: 1, ...record } });
  });

  it('names bytes that are not UTF-8 JSON, and a tombstone', () => {
    expect(checkRecord(messageRecordSchema, Buffer.from('{"v":1,"broken"'))).toMatchObject({
      ok: false,
      errorCode: 'MALFORMED_JSON',
    });
    expect(checkRecord(messageRecordSchema, Buffer.from([0xff, 0xfe]))).toEqual({
      ok: false,
      errorCode: 'MALFORMED_JSON',
      reason: 'value is not valid UTF-8',
    });
    expect(checkRecord(messageRecordSchema, null)).toMatchObject({ ok: false, errorCode: 'MALFORMED_JSON' });
  });

  it('lists every schema issue with its path', () => {
    const json = JSON.parse(messageRecordToJson(record)) as Record<string, unknown>;
    const check = checkRecord(
      messageRecordSchema,
      Buffer.from(JSON.stringify({ ...json, leafIndex: -1, txHash: 'x' })),
    );
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.errorCode).toBe('SCHEMA_VIOLATION');
    expect(check.reason).toMatch(/leafIndex: .*; txHash: |txHash: .*; leafIndex: /);
  });
});
