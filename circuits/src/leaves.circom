pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// Domain tags (SPEC.md "Domain tags"). Leaves hash THREE inputs with a tag in front, inner nodes hash TWO
// (MerkleFold), so a leaf preimage can never be replayed as a node preimage and the other way round: the
// Poseidon instances even differ in width (t=4 against t=3), so this holds without relying on the tag alone.
function TAG_BATCH() { return 1; }
function TAG_CHAIN() { return 2; }

// batchLeaf(batchRoot, batchNumber) = P3(TAG_BATCH, toField(batchRoot), batchNumber)
// Mirrors libs/protocol batchLeaf. `batchRootField` is already reduced mod r by the prover (the keccak root
// does not fit the field); the L1 contract recomputes the same reduction for the commitment, so a prover
// cannot choose a different representative.
template BatchLeaf() {
    signal input batchRootField;
    signal input batchNumber;
    signal output out;

    component h = Poseidon(3);
    h.inputs[0] <== TAG_BATCH();
    h.inputs[1] <== batchRootField;
    h.inputs[2] <== batchNumber;
    out <== h.out;
}

// chainLeaf(chainRoot, chainId) = P3(TAG_CHAIN, chainRoot, chainId)
// Mirrors libs/protocol chainLeaf. Binding chainId into the leaf means a slot's content names its chain: a
// prover cannot move one chain's tree into another chain's slot.
template ChainLeaf() {
    signal input chainRoot;
    signal input chainId;
    signal output out;

    component h = Poseidon(3);
    h.inputs[0] <== TAG_CHAIN();
    h.inputs[1] <== chainRoot;
    h.inputs[2] <== chainId;
    out <== h.out;
}
