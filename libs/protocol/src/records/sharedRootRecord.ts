import type { Hex } from 'viem';
import { z } from 'zod';
import { bytes32Schema, uint64StringSchema } from '../message/interopMessage';

/** Records on `interop.shared-roots` all use this key, so they stay in one partition, in epoch order. */
export const SHARED_ROOT_RECORD_KEY = 'shared-root';

const settledUpdateSchema = z
  .object({
    slot: z.number().int().min(0),
    chainId: uint64StringSchema,
    batchNumber: uint64StringSchema,
    batchRoot: bytes32Schema,
    messageCount: z.number().int().min(1),
    firstBlock: uint64StringSchema,
    lastBlock: uint64StringSchema,
  })
  .strict();

/**
 * Value of a record on `interop.shared-roots`, version 1: a shared root settled on L1 (InteropHub `RootSubmitted`),
 * with the updates it applied. Produced by apps/hub once the L1 receipt is in; consumed by apps/bridge and the chain
 * apps. Consumers are idempotent by `epoch`.
 */
export const sharedRootRecordSchema = z
  .object({
    v: z.literal(1),
    epoch: uint64StringSchema,
    prevRoot: bytes32Schema,
    root: bytes32Schema,
    commitment: bytes32Schema,
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
  messageCount: number;
  firstBlock: bigint;
  lastBlock: bigint;
};

/** A parsed `interop.shared-roots` record. */
export type SharedRootRecord = {
  epoch: bigint;
  prevRoot: Hex;
  root: Hex;
  commitment: Hex;
  updates: SettledUpdate[];
  l1TxHash: Hex;
  l1BlockNumber: bigint;
};

/** The JSON value of an `interop.shared-roots` record. */
export function sharedRootRecordToJson(record: SharedRootRecord): string {
  return JSON.stringify({
    v: 1,
    epoch: record.epoch.toString(),
    prevRoot: record.prevRoot,
    root: record.root,
    commitment: record.commitment,
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
  messageCount: number;
  firstBlock: string;
  lastBlock: string;
} {
  return {
    slot: u.slot,
    chainId: u.chainId.toString(),
    batchNumber: u.batchNumber.toString(),
    batchRoot: u.batchRoot,
    messageCount: u.messageCount,
    firstBlock: u.firstBlock.toString(),
    lastBlock: u.lastBlock.toString(),
  };
}
