import type { Hex } from 'viem';
import { z } from 'zod';
import { bytes32Schema, interopMessageJsonSchema, uint64StringSchema } from '../message/interopMessage';
import { type InteropMessage, interopMessageToJson } from '../message/interopMessage';

/**
 * Value of a record on `interop.messages` (key = srcChainId as a decimal string), version 1: one message of a sealed
 * batch with its leaf index, so that a consumer holding all `messageCount` records of a batch can rebuild the batch
 * tree (SPEC "Batch tree") and check it against the signed batch root. One record per message keeps records small
 * whatever the batch size. Produced by apps/chain, consumed by apps/bridge.
 */
export const messageRecordSchema = z
  .object({
    v: z.literal(1),
    batchNumber: uint64StringSchema,
    batchRoot: bytes32Schema,
    messageCount: z
      .number()
      .int()
      .min(1)
      .max(2 ** 32 - 1),
    leafIndex: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1),
    message: interopMessageJsonSchema,
    /** Source-chain transaction that emitted the message. */
    txHash: bytes32Schema,
    blockNumber: uint64StringSchema,
    logIndex: z.number().int().min(0),
  })
  .strict()
  .refine((r) => r.leafIndex < r.messageCount, {
    message: 'leafIndex must be below messageCount',
    path: ['leafIndex'],
  });

/** A parsed `interop.messages` record. */
export type MessageRecord = {
  batchNumber: bigint;
  batchRoot: Hex;
  messageCount: number;
  leafIndex: number;
  message: InteropMessage;
  txHash: Hex;
  blockNumber: bigint;
  logIndex: number;
};

/** The JSON value of an `interop.messages` record. */
export function messageRecordToJson(record: MessageRecord): string {
  return JSON.stringify({
    v: 1,
    batchNumber: record.batchNumber.toString(),
    batchRoot: record.batchRoot,
    messageCount: record.messageCount,
    leafIndex: record.leafIndex,
    message: interopMessageToJson(record.message),
    txHash: record.txHash,
    blockNumber: record.blockNumber.toString(),
    logIndex: record.logIndex,
  });
}
