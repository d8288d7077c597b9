import type { Hex } from 'viem';

/** One chain's batch entering the shared root (SPEC "Aggregation step"); L1 also sees signed metadata. */
export type Update = {
  /** Shared-tree slot of the chain (assigned at registration). */
  slot: number;
  chainId: bigint;
  /** Must be the chain's next batch number (its chain-tree size). */
  batchNumber: bigint;
  /** keccak batch root (bytes32). */
  batchRoot: Hex;
};

/**
 * The epoch shape of the aggregation circuit (SPEC "Epoch shape"): `k` update slots in `k / groupSize` groups of
 * `groupSize` consecutive slots. A group holds updates of ONE chain with consecutive batch numbers inside one aligned
 * block `[b * groupSize, (b + 1) * groupSize)` of that chain's tree; its real updates are a prefix, the rest padding.
 * `groupSize` is a power of two dividing `k`; `groupSize: 1` accepts any update list (one update per group).
 */
export type AggregationShape = { readonly k: number; readonly groupSize: number };

/**
 * Circuit witness of one group (SPEC "Aggregation step"): the group's chain, its first batch number, which of the
 * `groupSize` update slots are real, their batch roots, and the paths the circuit walks once per group.
 */
export type GroupWitness = {
  /** 1 = a real update, 0 = padding; a prefix of ones (`groupSize` entries). */
  enabled: (0 | 1)[];
  slot: number;
  chainId: bigint;
  /** Batch number of the group's first update (update j has `firstBatch + j`); 0 for an empty group. */
  firstBatch: bigint;
  /** `toField(batchRoot)` per update slot, 0 for padding. */
  batchRootFields: bigint[];
  /**
   * The log2(groupSize) lowest siblings of leaf `firstBatch` in the chain tree BEFORE the group (inside the block:
   * old nodes on the left, empty-subtree hashes on the right).
   */
  lowSiblings: bigint[];
  /** The CHAIN_DEPTH - log2(groupSize) siblings above the block (same for the old and the new chain root). */
  upperSiblings: bigint[];
  /** SHARED_DEPTH siblings of `slot` in the shared tree as it is before this group. */
  sharedSiblings: bigint[];
};

/**
 * One group of an epoch as L1 and the epoch data see it (SPEC "Epoch data"): one chain's consecutive batches
 * `firstBatch .. firstBatch + batchRoots.length - 1` inside one aligned block, and the chain root after them.
 */
export type EpochGroup = {
  slot: number;
  chainId: bigint;
  firstBatch: bigint;
  /** Chain root after the group's last batch. */
  chainRoot: bigint;
  /** keccak batch roots (bytes32), in batch-number order. */
  batchRoots: Hex[];
};

/** The public signals of an epoch's proof, in circuit order `[dataCommitment, challenge, evaluation]`. */
export type EpochPublicSignals = { dataCommitment: bigint; challenge: bigint; evaluation: bigint };

/** What one aggregation step produced: the epoch's groups and data, the proof's public signals and the witnesses. */
export type AggregationStepResult = {
  oldRoot: bigint;
  newRoot: bigint;
  /** The groups, in order (empty groups are not listed). */
  groups: EpochGroup[];
  /** Chain root of its chain after each update, in update order (what the operator signed for that batch). */
  chainRoots: bigint[];
  /** The epoch data vector `D` (SPEC "Epoch data"). */
  data: bigint[];
  publicSignals: EpochPublicSignals;
  /**
   * Exactly `k / groupSize` group witnesses. An empty group (padding) has all `enabled: 0`, slot 0, chainId 0,
   * firstBatch 0, empty-chain-tree siblings (Z(0..)) and zero shared siblings.
   */
  witnesses: GroupWitness[];
};

/** Depths of the two Poseidon trees an aggregation step touches. */
export type AggregationDepths = { readonly chainDepth: number; readonly sharedDepth: number };
