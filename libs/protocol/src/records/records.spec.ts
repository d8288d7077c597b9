import type { Hex } from 'viem';
import { MessageKind } from '../message/messageKind';
import { batchRootRecordSchema, batchRootRecordToJson, type BatchRootRecord } from './batchRootRecord';
import { messageRecordSchema, messageRecordToJson, type MessageRecord } from './messageRecord';
import { sharedRootRecordSchema, sharedRootRecordToJson, type SharedRootRecord } from './sharedRootRecord';

const root = ('0x' + 'ab'.repeat(32)) as Hex;
const signature = ('0x' + '11'.repeat(65)) as Hex;
/** A canonical field element as bytes32 (a Poseidon root). */
const chainRoot = ('0x' + '0c'.repeat(32)) as Hex;

describe('Kafka record schemas', () => {
  const batch: BatchRootRecord = {
    chainId: 901n,
    batchNumber: 7n,
    batchRoot: root,
    chainRoot,
    messageCount: 3,
    firstBlock: 10n,
    lastBlock: 12n,
    signature,
  };

  it('round-trips a batch-root record and rejects bad ones with a named field', () => {
    expect(batchRootRecordSchema.parse(JSON.parse(batchRootRecordToJson(batch)))).toEqual({ v: 2, ...batch });
    const bad = { ...JSON.parse(batchRootRecordToJson(batch)), firstBlock: '13' };
    const result = batchRootRecordSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['lastBlock']);
    expect(
      batchRootRecordSchema.safeParse({ ...JSON.parse(batchRootRecordToJson(batch)), signature: '0x11' }).success,
    ).toBe(false);
    expect(batchRootRecordSchema.safeParse({ ...JSON.parse(batchRootRecordToJson(batch)), extra: 1 }).success).toBe(
      false,
    );
    expect(batchRootRecordSchema.safeParse({ ...JSON.parse(batchRootRecordToJson(batch)), v: 1 }).success).toBe(false);
    // A chain root must be a canonical field element (0xab..ab is above r).
    expect(
      batchRootRecordSchema.safeParse({ ...JSON.parse(batchRootRecordToJson(batch)), chainRoot: root }).success,
    ).toBe(false);
  });

  it('round-trips a message record and rejects a leaf index outside the batch', () => {
    const record: MessageRecord = {
      batchNumber: 7n,
      batchRoot: root,
      messageCount: 2,
      leafIndex: 1,
      message: {
        srcChainId: 901n,
        dstChainId: 902n,
        nonce: 0n,
        sender: '0x1111111111111111111111111111111111111111',
        recipient: '0x2222222222222222222222222222222222222222',
        kind: MessageKind.CALL,
        payload: '0xdeadbeef',
        assetId: ('0x' + '00'.repeat(32)) as Hex,
        amount: 0n,
        fee: 10n ** 30n,
        gasLimit: 200_000n,
      },
      txHash: root,
      blockNumber: 11n,
      logIndex: 4,
    };
    const json = JSON.parse(messageRecordToJson(record));
    expect(messageRecordSchema.parse(json)).toEqual({ v: 1, ...record });
    expect(messageRecordSchema.safeParse({ ...json, leafIndex: 2 }).success).toBe(false);
  });

  it('round-trips a shared-root record and requires at least one update', () => {
    const record: SharedRootRecord = {
      epoch: 3n,
      prevRoot: chainRoot,
      root: chainRoot,
      shapeId: 2 * 65536 + 2,
      dataCommitment: chainRoot,
      updates: [
        {
          slot: 0,
          chainId: 901n,
          batchNumber: 7n,
          batchRoot: root,
          chainRoot,
          messageCount: 3,
          firstBlock: 10n,
          lastBlock: 12n,
        },
      ],
      l1TxHash: root,
      l1BlockNumber: 99n,
    };
    const json = JSON.parse(sharedRootRecordToJson(record));
    expect(sharedRootRecordSchema.parse(json)).toEqual({ v: 2, ...record });
    expect(sharedRootRecordSchema.safeParse({ ...json, root }).success).toBe(false);
    expect(sharedRootRecordSchema.safeParse({ ...json, updates: [] }).success).toBe(false);
  });
});
