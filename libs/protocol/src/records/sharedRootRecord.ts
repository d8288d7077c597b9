import type { Hex } from 'viem';
import { z } from 'zod';
import { bytes32Schema, uint64StringSchema } from '../message/interopMessage';
import { fieldBytes32Schema } from './fieldBytes32Schema';

/** Records on `interop.shared-roots` all use this key, so they stay in one partition, in epoch order. */
export const SHARED_ROOT_RECORD_KEY = 'shared-root';

const settledUpdateSchema = z
  .object({
    slot: z.number().int().min(0),
    chainId: uint64StringSchema,
    batchNumber: uint64StringSchema,
    batchRoot: bytes32Schema,
    chainRoot: fieldBytes32Schema,
    messageCount: z.number().int().min(1),
    firstBlock: uint64StringSchema,
    lastBlock: uint64StringSchema,
  })
  .strict();

/**
 * Value of a record on `interop.shared-roots`, version 2: a shared root settled on L1 (InteropHub `RootSubmitted`),
 * with the epoch shape it was proved with, its data commitment (the proof's first public signal) and the updates it
 * applied, each with the chain root after it. Produced by apps/hub once the L1 receipt is in; consumed by apps/bridge and the chain
 * apps. Consumers are idempotent by `epoch`.
 */
export const sharedRootRecordSchema = z
  .object({
    v: z.literal(2),
    epoch: uint64StringSchema,
    prevRoot: fieldBytes32Schema,
    root: fieldBytes32Schema,
    shapeId: z
      .number()
      .int()
      .min(1)
      .max(2 ** 32 - 1),
    dataCommitment: fieldBytes32Schema,
    updates: z.array(settledUpdateSchema).min(1),
    l1TxHash: bytes32Schema,
    l1BlockNumber: uint64StringSchema,
  })
  .strict();

/** One update of a settled shared root. */
export type SettledUpdate = {
  slot: number;
  chainId: bigint;
  batchNumber: bigint;
  batchRoot: Hex;
  /** The chain root after this batch (as its operator signed it). */
  chainRoot: Hex;
  messageCount: number;
  firstBlock: bigint;
  lastBlock: bigint;
};

/** A parsed `interop.shared-roots` record. */
export type SharedRootRecord = {
  epoch: bigint;
  prevRoot: Hex;
  root: Hex;
  /** L1 id of the epoch shape (SPEC "Epoch shape"). */
  shapeId: number;
  dataCommitment: Hex;
  updates: SettledUpdate[];
  l1TxHash: Hex;
  l1BlockNumber: bigint;
};

/** The JSON value of an `interop.shared-roots` record. */
export function sharedRootRecordToJson(record: SharedRootRecord): string {
  return JSON.stringify({
    v: 2,
    epoch: record.epoch.toString(),
    prevRoot: record.prevRoot,
    root: record.root,
    shapeId: record.shapeId,
    dataCommitment: record.dataCommitment,
    updates: record.updates.map(settledUpdateToJson),
    l1TxHash: record.l1TxHash,
    l1BlockNumber: record.l1BlockNumber.toString(),
  });
}

/** The JSON form of one settled update (integers as decimal strings), as in `interop.shared-roots` records. */
export function settledUpdateToJson(u: SettledUpdate): {
  slot: number;
  chainId: string;
  batchNumber: string;
  batchRoot: Hex;
  chainRoot: Hex;
  messageCount: number;
  firstBlock: string;
  lastBlock: string;
} {
  return {
    slot: u.slot,
    chainId: u.chainId.toString(),
    batchNumber: u.batchNumber.toString(),
    batchRoot: u.batchRoot,
    chainRoot: u.chainRoot,
    messageCount: u.messageCount,
    firstBlock: u.firstBlock.toString(),
    lastBlock: u.lastBlock.toString(),
  };
}
