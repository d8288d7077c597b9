/** Production batch-tree depth (keccak, 65,536 messages per batch). Mirrors contracts/src/libraries/BatchMerkle.sol. */
export const BATCH_DEPTH = 16;
/** Production chain-tree depth (Poseidon, 2^20 batches per chain). Mirrors circuits/src/aggregation.circom params. */
export const CHAIN_DEPTH = 20;
/** Production shared-tree depth (Poseidon, 1,024 chains). Mirrors circuits/src/aggregation.circom params. */
export const SHARED_DEPTH = 10;

/** Chain-tree depth of the test instance (unit/int tests, test circuit). */
export const TEST_CHAIN_DEPTH = 3;
/** Shared-tree depth of the test instance. */
export const TEST_SHARED_DEPTH = 2;
/** Update slots per aggregation step in the test instance (circuits/instances/test.json `k`). */
export const TEST_K = 4;
/** Group size of the test instance's epoch shape (2 groups of 2; SPEC "Epoch shape"). */
export const TEST_GROUP_SIZE = 2;
/** The test instance's epoch shape. */
export const TEST_SHAPE = { k: TEST_K, groupSize: TEST_GROUP_SIZE } as const;
/** Update slots per aggregation step in the production instance (circuits/instances/prod.json `k`). */
export const PRODUCTION_K = 32;
/** Group size of the production instance (2 groups of 16). */
export const PRODUCTION_GROUP_SIZE = 16;
/** The production instance's epoch shape. */
export const PRODUCTION_SHAPE = { k: PRODUCTION_K, groupSize: PRODUCTION_GROUP_SIZE } as const;

/** Depths of the three trees an inclusion proof walks through. */
export type TreeDepths = { readonly batchDepth: number; readonly chainDepth: number; readonly sharedDepth: number };

/** The production depths. */
export const PRODUCTION_DEPTHS: TreeDepths = {
  batchDepth: BATCH_DEPTH,
  chainDepth: CHAIN_DEPTH,
  sharedDepth: SHARED_DEPTH,
};
/** The test-instance depths (batch depth stays 16, see SPEC "Depths"). */
export const TEST_DEPTHS: TreeDepths = {
  batchDepth: BATCH_DEPTH,
  chainDepth: TEST_CHAIN_DEPTH,
  sharedDepth: TEST_SHARED_DEPTH,
};
