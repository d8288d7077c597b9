pragma circom 2.1.0;
// Test harness: MerkleFold of depth 3 with the index range-checked into bits, as the aggregation circuit does.
include "circomlib/circuits/bitify.circom";
include "../../src/merkle.circom";

template MerkleFoldTest(DEPTH) {
    signal input leaf;
    signal input index;
    signal input siblings[DEPTH];
    signal output root;
    component bits = Num2Bits(DEPTH);
    bits.in <== index;
    component fold = MerkleFold(DEPTH);
    fold.leaf <== leaf;
    fold.indexBits <== bits.out;
    fold.siblings <== siblings;
    root <== fold.root;
}
component main = MerkleFoldTest(3);
