import type { BatchRootCommitment, InteropMessage } from '@interop/protocol';
import type { Hex } from 'viem';

/** A block as the watcher remembers it: enough to notice that the chain replaced it. */
export type BlockRef = { number: bigint; hash: Hex; parentHash: Hex };

/** An InteropCenter `MessageSent` event as read from the chain. */
export type SeenMessage = {
  messageId: Hex;
  blockNumber: bigint;
  blockHash: Hex;
  logIndex: number;
  txHash: Hex;
  message: InteropMessage;
};

/** A message row of the chain app's store (`chain_messages`). */
export type StoredMessage = SeenMessage & {
  /** Row id, used to assign the message to a batch. */
  id: bigint;
  batchNumber: bigint | null;
  leafIndex: number | null;
};

/**
 * The chain tree after the last sealed batch (`chain_tree_frontiers`, written with the batch): enough to continue it
 * without rehashing every batch (SPEC "Chain tree"). `frontier` is `IncrementalPoseidonTree.appendSiblings()` of the
 * tree (CHAIN_DEPTH field elements, leaf level first; an entry is meaningful only where bit i of `size` is 1).
 */
export type ChainTreeFrontier = {
  /** Batches in the tree (= the next batch number). */
  size: bigint;
  frontier: bigint[];
  /** The chain root (bytes32 of the field element), the signed `chainRoot` of batch `size - 1`. */
  root: Hex;
};

/** A sealed batch's place in the chain tree (what rebuilding the tree from the sealed batches reads). */
export type SealedBatchRoot = { batchNumber: bigint; batchRoot: Hex; chainRoot: Hex };

/** A sealed, signed batch (`sealed_batches`); `chainRoot` is the signed chain root after it. */
export type SealedBatch = BatchRootCommitment & {
  signature: Hex;
  sealedAt: Date;
  publishedAt: Date | null;
};

/** A shared root settled on L1 (InteropHub `RootSubmitted`). */
export type SettledRoot = {
  epoch: bigint;
  prevRoot: Hex;
  root: Hex;
  l1Block: bigint;
  l1TxHash: Hex;
  logIndex: number;
};
