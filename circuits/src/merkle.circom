pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// MerkleFold(DEPTH): the root of a binary Poseidon Merkle tree, folded from one leaf up.
//
// Mirrors libs/protocol's poseidon fold (SPEC.md "Chain tree" / "Shared tree"): node = P2(left, right),
// `siblings[i]` is the sibling at level i counted from the leaf, and `indexBits[i] = 0` means the running node
// is the LEFT child at level i.
//
// The caller MUST constrain every `indexBits[i]` to {0, 1} (it gets them from Num2Bits, which does). This
// template does not repeat that check because the aggregation circuit folds two leaves (old and new) with the
// same bits: checking the bits once saves DEPTH constraints per fold.
//
// Cost: DEPTH Poseidon(2) (about 240 constraints each) + DEPTH constraints for the left/right selection.
template MerkleFold(DEPTH) {
    signal input leaf;
    signal input indexBits[DEPTH];
    signal input siblings[DEPTH];
    signal output root;

    signal node[DEPTH + 1];
    signal left[DEPTH];
    component hashers[DEPTH];

    node[0] <== leaf;
    for (var i = 0; i < DEPTH; i++) {
        // One multiplication picks both children: left = bit ? sibling : node, and right is the other one
        // (right = node + sibling - left is linear, so it costs no constraint). With bit in {0,1} this is
        // exactly a swap; a non-boolean bit would mix the two, which is why the caller checks the bits.
        left[i] <== node[i] + indexBits[i] * (siblings[i] - node[i]);

        hashers[i] = Poseidon(2);
        hashers[i].inputs[0] <== left[i];
        hashers[i].inputs[1] <== node[i] + siblings[i] - left[i];
        node[i + 1] <== hashers[i].out;
    }
    root <== node[DEPTH];
}
