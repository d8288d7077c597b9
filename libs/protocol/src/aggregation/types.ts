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

/** Per-update circuit witness (SPEC: `enabled, slot, chainId, batchNumber, batchRootField, chainSiblings, sharedSiblings`). */
export type UpdateWitness = {
  /** 1 = a real update, 0 = padding (a no-op suffix). */
  enabled: 0 | 1;
  slot: number;
  chainId: bigint;
  batchNumber: bigint;
  /** `toField(batchRoot)`. */
  batchRootField: bigint;
  /** CHAIN_DEPTH siblings of leaf `batchNumber` in the chain tree (same for the old and the new chain root). */
  chainSiblings: bigint[];
  /** SHARED_DEPTH siblings of `slot` in the shared tree as it is before this update. */
  sharedSiblings: bigint[];
};

/** What one aggregation step produced: the circuit's public signals and its private witnesses. */
export type AggregationStepResult = {
  oldRoot: bigint;
  newRoot: bigint;
  commitment: bigint;
  /** Exactly K witnesses; padding has `enabled: 0` and all-zero fields and siblings. */
  witnesses: UpdateWitness[];
};

/** Depths of the two Poseidon trees an aggregation step touches. */
export type AggregationDepths = { readonly chainDepth: number; readonly sharedDepth: number };
