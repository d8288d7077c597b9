import type { Hex } from 'viem';
import { z } from 'zod';
import type { BatchRootCommitment } from '../eip712/types';
import { bytes32Schema, hexBytesSchema, uint64StringSchema } from '../message/interopMessage';
import { fieldBytes32Schema } from './fieldBytes32Schema';

/**
 * Value of a record on `interop.batch-roots` (key = chainId as a decimal string), version 2: a batch root and the
 * chain root after it, signed by the chain operator over the EIP-712 `BatchRoot` typed data (SPEC "EIP-712"). Produced by apps/chain, consumed by
 * apps/hub.
 *
 * @example
 * const record = batchRootRecordSchema.parse(JSON.parse(raw));
 */
export const batchRootRecordSchema = z
  .object({
    v: z.literal(2),
    chainId: uint64StringSchema,
    batchNumber: uint64StringSchema,
    batchRoot: bytes32Schema,
    chainRoot: fieldBytes32Schema,
    messageCount: z
      .number()
      .int()
      .min(1)
      .max(2 ** 32 - 1),
    firstBlock: uint64StringSchema,
    lastBlock: uint64StringSchema,
    signature: hexBytesSchema.refine((s) => s.length === 132, 'signature must be 65 bytes'),
  })
  .strict()
  .refine((r) => r.firstBlock <= r.lastBlock, { message: 'firstBlock must not exceed lastBlock', path: ['lastBlock'] });

/** A parsed `interop.batch-roots` record. */
export type BatchRootRecord = BatchRootCommitment & { signature: Hex };

/**
 * The JSON value of an `interop.batch-roots` record (integers as decimal strings).
 *
 * @example
 * producer.send('interop.batch-roots', String(record.chainId), batchRootRecordToJson(record));
 */
export function batchRootRecordToJson(record: BatchRootRecord): string {
  return JSON.stringify({
    v: 2,
    chainId: record.chainId.toString(),
    batchNumber: record.batchNumber.toString(),
    batchRoot: record.batchRoot,
    chainRoot: record.chainRoot,
    messageCount: record.messageCount,
    firstBlock: record.firstBlock.toString(),
    lastBlock: record.lastBlock.toString(),
    signature: record.signature,
  });
}
