import type { BatchRootCommitment } from '@interop/protocol';
import type { Address, Hex } from 'viem';

import type {
  BlockRef,
  ChainTreeFrontier,
  SealedBatch,
  SealedBatchRoot,
  SeenMessage,
  SettledRoot,
  StoredMessage,
} from './types';

/** Reads the L2 chain (viem in production). */
export interface ChainReader {
  headNumber(): Promise<bigint>;
  /** The canonical block at `number`, or null when the chain is shorter. */
  block(number: bigint): Promise<BlockRef | null>;
  /** Canonical blocks `from..to` (inclusive), in order. */
  blocks(from: bigint, to: bigint): Promise<BlockRef[]>;
  /** InteropCenter `MessageSent` events of blocks `from..to`, in (block, log index) order. */
  messageSentLogs(from: bigint, to: bigint): Promise<SeenMessage[]>;
}

/** What one watcher scan adds, written atomically (one transaction, set-based: a few statements whatever its size). */
export type ScanResult = { blocks: BlockRef[]; messages: SeenMessage[]; checkpoint: BlockRef };

/**
 * A new batch with the messages it seals (row id -> leaf index), written atomically with the sealed checkpoint and
 * the chain tree frontier after it (so a signed batch never exists without its frontier, nor the reverse).
 */
export type NewBatch = {
  batch: BatchRootCommitment & { signature: Hex };
  leaves: { id: bigint; leafIndex: number }[];
  /** The `sealed` watcher checkpoint: the block of the batch's last message. */
  sealedCheckpoint: { number: bigint; hash: Hex };
  /** The chain tree after this batch: `size` = batchNumber + 1, `root` = the signed `chainRoot`. */
  frontier: ChainTreeFrontier;
};

/** The chain app's persistent state (Prisma in production). */
export interface ChainStore {
  /** Last block the watcher has scanned, or null before the first scan. */
  scanCheckpoint(): Promise<BlockRef | null>;
  /** Remembered blocks at or below `atOrBelow`, newest first. */
  knownBlocks(atOrBelow: bigint): Promise<BlockRef[]>;
  recordScan(scan: ScanResult): Promise<void>;
  /**
   * Forgets everything above block `forkPoint` that is not sealed (blocks, messages) and moves the scan checkpoint
   * back to it (null: before the start block). Returns the number of messages dropped.
   */
  rollback(forkPoint: BlockRef | null): Promise<number>;
  /** Highest block holding a sealed message, or null. */
  lastSealedBlock(): Promise<bigint | null>;
  countUnsealed(upToBlock: bigint): Promise<number>;
  /** Unsealed messages of blocks up to `upToBlock`, in (block, log index) order, at most `limit`. */
  unsealedMessages(upToBlock: bigint, limit: number): Promise<StoredMessage[]>;
  lastBatch(): Promise<SealedBatch | null>;
  /**
   * Inserts the batch, assigns its messages (one statement for all of them), moves the sealed checkpoint and writes
   * the chain tree frontier, in one transaction; fails (and changes nothing) if the batch number exists or a message
   * is not unsealed any more.
   */
  saveBatch(batch: NewBatch): Promise<void>;
  /** The chain tree frontier after the last sealed batch, or null (no batch yet, or a database from before it). */
  chainTreeFrontier(): Promise<ChainTreeFrontier | null>;
  /** Writes the frontier alone (after rebuilding it from the sealed batches). */
  saveChainTreeFrontier(frontier: ChainTreeFrontier): Promise<void>;
  /** Sealed batches with numbers >= `fromBatch`, in batch-number order, at most `limit`. */
  sealedBatchRoots(fromBatch: bigint, limit: number): Promise<SealedBatchRoot[]>;
  /** Sealed batches not yet acknowledged by Kafka, oldest first. */
  unpublishedBatches(): Promise<SealedBatch[]>;
  /** Messages of the sealed batches `fromBatch..toBatch` (inclusive), in (batch number, leaf index) order. */
  batchMessages(fromBatch: bigint, toBatch: bigint): Promise<StoredMessage[]>;
  /** Marks the batches published (one statement). */
  markPublished(batchNumbers: bigint[]): Promise<void>;
  recordPublishFailure(batchNumber: bigint, error: string): Promise<void>;
  /** Drops remembered blocks below `number` (they are deeper than any reorg the app handles). */
  pruneBlocks(below: bigint): Promise<void>;
}

/** Signs batch roots with the operator key (EIP-712 BatchRoot). */
export interface BatchSigner {
  readonly address: Address;
  sign(commitment: BatchRootCommitment): Promise<Hex>;
}

/** A record for a `RecordSink`. */
export type OutRecord = { key: string; value: string };

/**
 * Where records go (Kafka in production). `sendMany` resolves once the broker acknowledged every record; records
 * are written in the order given (one partition per key), in as few requests as the broker's size limit allows. On
 * a failure some of them may have been written: the caller sends them all again (consumers are idempotent).
 */
export interface RecordSink {
  sendMany(topic: string, records: readonly OutRecord[]): Promise<void>;
}

/** Reads InteropHub settlements on L1. */
export interface SettlementReader {
  headNumber(): Promise<bigint>;
  blockHash(number: bigint): Promise<Hex>;
  /** `RootSubmitted` events of L1 blocks `from..to`, in order. */
  rootSubmittedLogs(from: bigint, to: bigint): Promise<SettledRoot[]>;
}

/** Reads the network's chain-tree depth: `CHAIN_DEPTH()` of the L1 InteropHub. */
export interface ChainDepthReader {
  chainDepth(): Promise<number>;
}

/** The chain's InteropHandler (viem in production). */
export interface HandlerClient {
  /** bytes32(0) when the epoch is not imported. */
  sharedRootAt(epoch: bigint): Promise<Hex>;
  latestEpoch(): Promise<bigint>;
  /** Sends importSharedRoot and waits for a successful receipt; returns the L2 tx hash. */
  importSharedRoot(epoch: bigint, root: Hex): Promise<Hex>;
}

/** Root importer state. */
export interface RootStore {
  /** Last L1 block whose settlements were handled, or null. */
  checkpoint(): Promise<bigint | null>;
  setCheckpoint(l1Block: bigint, l1BlockHash: Hex): Promise<void>;
  saveImported(root: SettledRoot, l2TxHash: Hex | null): Promise<void>;
  lastImported(): Promise<{ epoch: bigint; root: Hex } | null>;
}

export const CHAIN_READER = Symbol('CHAIN_READER');
export const CHAIN_STORE = Symbol('CHAIN_STORE');
export const BATCH_SIGNER = Symbol('BATCH_SIGNER');
export const RECORD_SINK = Symbol('RECORD_SINK');
export const SETTLEMENT_READER = Symbol('SETTLEMENT_READER');
export const HANDLER_CLIENT = Symbol('HANDLER_CLIENT');
export const ROOT_STORE = Symbol('ROOT_STORE');
/** Injection token of the chain-tree depth (a number, resolved from L1 at boot). */
export const CHAIN_TREE_DEPTH = Symbol('CHAIN_TREE_DEPTH');
