pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "./merkle.circom";
include "./leaves.circom";
include "./commitment.circom";
include "./zeros.circom";

// AggregationUpdate: one update { slot, chainId, batchNumber, batchRootField } applied to the shared root
// (SPEC.md "Aggregation step", steps 1 and 2), or passed through untouched when `enabled` is 0.
//
// What the prover claims, and which constraint stops each lie:
//   - "the chain's leaf at batchNumber was empty": the old chain root is folded from the EMPTY leaf (0) at
//     index batchNumber; if that leaf held anything, the fold would not reach the root committed in the old
//     shared leaf (Poseidon collision resistance).
//   - "the chain tree now holds batchLeaf there and nothing else changed": the new chain root is folded from
//     batchLeaf with the SAME siblings and the SAME index bits.
//   - "the slot belongs to chainId and held its old chain root": the old shared leaf, folded at `slot` with
//     sharedSiblings, must give the running root rootIn.
//   - "nothing else in the shared tree changed": the new shared leaf is folded with the same siblings.
template AggregationUpdate(CHAIN_DEPTH, SHARED_DEPTH) {
    signal input enabled;          // boolean, checked by Aggregation (with the suffix rule)
    signal input rootIn;           // shared root before this update
    signal input commitmentIn;     // updates commitment before this update

    signal input slot;
    signal input chainId;
    signal input batchNumber;
    signal input batchRootField;
    signal input chainSiblings[CHAIN_DEPTH];
    signal input sharedSiblings[SHARED_DEPTH];

    signal output rootOut;
    signal output commitmentOut;

    // Range checks that double as path directions. Num2Bits constrains each bit to {0,1} and their weighted sum
    // to the input, so slot < 2^SHARED_DEPTH and batchNumber < 2^CHAIN_DEPTH: the position in the tree is exactly
    // the number the commitment (and therefore L1) sees. Without it a prover could use the field element
    // batchNumber + k*r or a non-boolean "bit" to address a different leaf than the one L1 believes in.
    component slotBits = Num2Bits(SHARED_DEPTH);
    slotBits.in <== slot;
    component batchBits = Num2Bits(CHAIN_DEPTH);
    batchBits.in <== batchNumber;

    // Step 1: chain tree. The old root comes from the empty leaf, the new one from batchLeaf; same path.
    component oldChain = MerkleFold(CHAIN_DEPTH);
    oldChain.leaf <== 0;
    oldChain.indexBits <== batchBits.out;
    oldChain.siblings <== chainSiblings;

    component leaf = BatchLeaf();
    leaf.batchRootField <== batchRootField;
    leaf.batchNumber <== batchNumber;

    component newChain = MerkleFold(CHAIN_DEPTH);
    newChain.leaf <== leaf.out;
    newChain.indexBits <== batchBits.out;
    newChain.siblings <== chainSiblings;

    // Step 2: shared tree. A chain's first batch (batchNumber == 0) finds its slot empty (leaf 0, SPEC: a slot of
    // a chain with no batch holds 0) AND its chain tree empty. The second check matters: the shared tree does not
    // commit to an empty chain's root, so without it a prover could start a chain from a tree pre-filled with
    // forged batches at indexes >= 1 (the fold from the empty leaf at index 0 would accept any siblings).
    // Only enforced for enabled updates, so padding needs no special siblings.
    component first = IsZero();
    first.in <== batchNumber;
    signal firstAndEnabled <== first.out * enabled;
    firstAndEnabled * (oldChain.root - emptyChainRoot(CHAIN_DEPTH)) === 0;

    component oldChainLeaf = ChainLeaf();
    oldChainLeaf.chainRoot <== oldChain.root;
    oldChainLeaf.chainId <== chainId;
    // oldSharedLeaf = first ? 0 : chainLeaf(oldChainRoot, chainId)
    signal oldSharedLeaf <== (1 - first.out) * oldChainLeaf.out;

    component oldShared = MerkleFold(SHARED_DEPTH);
    oldShared.leaf <== oldSharedLeaf;
    oldShared.indexBits <== slotBits.out;
    oldShared.siblings <== sharedSiblings;
    // The old shared leaf must be IN the running root: this is what anchors the whole update to the previous
    // state (and, through the chain of updates, to the public oldRoot). Skipped for padding.
    enabled * (oldShared.root - rootIn) === 0;

    component newChainLeaf = ChainLeaf();
    newChainLeaf.chainRoot <== newChain.root;
    newChainLeaf.chainId <== chainId;

    component newShared = MerkleFold(SHARED_DEPTH);
    newShared.leaf <== newChainLeaf.out;
    newShared.indexBits <== slotBits.out;
    newShared.siblings <== sharedSiblings;

    // Step 3: commitment over the real updates only.
    component step = CommitmentStep();
    step.prev <== commitmentIn;
    step.slot <== slot;
    step.chainId <== chainId;
    step.batchNumber <== batchNumber;
    step.batchRootField <== batchRootField;

    // A disabled update is an exact no-op: root and commitment pass through (one constraint each).
    rootOut <== rootIn + enabled * (newShared.root - rootIn);
    commitmentOut <== commitmentIn + enabled * (step.out - commitmentIn);
}

// Aggregation(K, CHAIN_DEPTH, SHARED_DEPTH): up to K updates applied in order to the shared root.
// Public signals, in this order (SPEC.md): [oldRoot, newRoot, commitment]. They are declared as public INPUTS
// (not outputs) because circom lists outputs before inputs; declaring all three as inputs keeps the order the
// L1 verifier and libs/prover expect.
template Aggregation(K, CHAIN_DEPTH, SHARED_DEPTH) {
    signal input oldRoot;
    signal input newRoot;
    signal input commitment;

    signal input enabled[K];
    signal input slot[K];
    signal input chainId[K];
    signal input batchNumber[K];
    signal input batchRootField[K];
    signal input chainSiblings[K][CHAIN_DEPTH];
    signal input sharedSiblings[K][SHARED_DEPTH];

    component updates[K];
    signal root[K + 1];
    signal acc[K + 1];
    root[0] <== oldRoot;
    // c0 = 0: the commitment of an empty update list.
    acc[0] <== 0;

    for (var i = 0; i < K; i++) {
        // enabled is a boolean: a value like 2 would scale the root difference in rootOut instead of selecting.
        enabled[i] * (enabled[i] - 1) === 0;
        // Padding is a suffix (enabled[i] = 1 implies enabled[i-1] = 1). Not needed for soundness of the roots,
        // but it makes the witness canonical: one update list has exactly one valid layout, so the commitment
        // L1 recomputes over the first n updates is the only one that can verify.
        if (i > 0) {
            enabled[i] * (1 - enabled[i - 1]) === 0;
        }

        updates[i] = AggregationUpdate(CHAIN_DEPTH, SHARED_DEPTH);
        updates[i].enabled <== enabled[i];
        updates[i].rootIn <== root[i];
        updates[i].commitmentIn <== acc[i];
        updates[i].slot <== slot[i];
        updates[i].chainId <== chainId[i];
        updates[i].batchNumber <== batchNumber[i];
        updates[i].batchRootField <== batchRootField[i];
        updates[i].chainSiblings <== chainSiblings[i];
        updates[i].sharedSiblings <== sharedSiblings[i];
        root[i + 1] <== updates[i].rootOut;
        acc[i + 1] <== updates[i].commitmentOut;
    }

    // The public outputs of the step are checked against the computed ones.
    newRoot === root[K];
    commitment === acc[K];
}
