/**
 * Domain tag of a chain-tree leaf (`batchLeaf`). Nodes are `P2`, leaves are tagged `P3`, so a leaf can never pass as
 * an inner node. Mirrors `TAG_BATCH` in contracts/src/libraries/PoseidonMerkle.sol and circuits/src/leaves.circom.
 */
export const TAG_BATCH = 1n;

/** Domain tag of a shared-tree leaf (`chainLeaf`). Mirrors `TAG_CHAIN` in the same files. */
export const TAG_CHAIN = 2n;

/**
 * First value of the epoch data commitment chain (SPEC "Epoch data"). Mirrors `TAG_EPOCH` in
 * circuits/src/epochData.circom (L1 never computes the commitment).
 */
export const TAG_EPOCH = 3n;
