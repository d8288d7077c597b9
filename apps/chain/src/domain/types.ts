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

/** A sealed, signed batch (`sealed_batches`). */
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
