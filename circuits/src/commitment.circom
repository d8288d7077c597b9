pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// One step of the updates commitment (SPEC.md "Updates commitment"):
//   c(i) = P5(c(i-1), slot, chainId, batchNumber, batchRootField)
// The commitment is a public signal; L1 recomputes it from the updates it receives as calldata (and whose
// operator signatures it checks). That is what ties the proven tree transition to the signed batch roots: without
// it the prover could apply any batch root it likes, as long as the trees stay consistent.
// Hashing sequentially (a chain, not a tree) fixes the order of the updates, which matters because several
// updates of one chain must be applied in batch-number order.
template CommitmentStep() {
    signal input prev;
    signal input slot;
    signal input chainId;
    signal input batchNumber;
    signal input batchRootField;
    signal output out;

    component h = Poseidon(5);
    h.inputs[0] <== prev;
    h.inputs[1] <== slot;
    h.inputs[2] <== chainId;
    h.inputs[3] <== batchNumber;
    h.inputs[4] <== batchRootField;
    out <== h.out;
}
