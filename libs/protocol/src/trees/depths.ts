/** Production batch-tree depth (keccak, 65,536 messages per batch). Mirrors contracts/src/libraries/BatchMerkle.sol. */
export const BATCH_DEPTH = 16;
/** Production chain-tree depth (Poseidon, 2^20 batches per chain). Mirrors circuits/src/aggregation.circom params. */
export const CHAIN_DEPTH = 20;
/** Production shared-tree depth (Poseidon, 1,024 chains). Mirrors circuits/src/aggregation.circom params. */
export const SHARED_DEPTH = 10;

/** Chain-tree depth used by unit tests of the tree code only (small, fast); no running network uses it. */
export const TEST_CHAIN_DEPTH = 3;
/** Shared-tree depth used by unit tests of the tree code only. */
export const TEST_SHARED_DEPTH = 2;

/**
 * The production epoch shapes (SPEC "Epoch shape"), the same as circuits/shapes/*.json (a libs/prover test checks
 * they agree): `s2` = 1 group of 2 (latency: one chain, the cheapest proof, 2^14), `s4` = 2 groups of 2 (two
 * chains, 2^15), `l32` = 2 groups of 16 (throughput, 2^16).
 */
export const PRODUCTION_SHAPES = {
  s2: { k: 2, groupSize: 2 },
  s4: { k: 4, groupSize: 2 },
  l32: { k: 32, groupSize: 16 },
} as const;

/** Depths of the three trees an inclusion proof walks through. */
export type TreeDepths = { readonly batchDepth: number; readonly chainDepth: number; readonly sharedDepth: number };

/** The production depths. */
export const PRODUCTION_DEPTHS: TreeDepths = {
  batchDepth: BATCH_DEPTH,
  chainDepth: CHAIN_DEPTH,
  sharedDepth: SHARED_DEPTH,
};
/** Small depths for unit tests of the tree code (batch depth stays 16). */
export const TEST_DEPTHS: TreeDepths = {
  batchDepth: BATCH_DEPTH,
  chainDepth: TEST_CHAIN_DEPTH,
  sharedDepth: TEST_SHARED_DEPTH,
};
