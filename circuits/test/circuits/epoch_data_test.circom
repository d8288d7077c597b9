pragma circom 2.1.0;
// Test harness: the epoch data commitment and the evaluation of 6 elements (one partial chunk of the P5 chain).
include "../../src/epochData.circom";

template EpochDataTest(N) {
    signal input data[N];
    signal input x;
    signal output commitment;
    signal output evaluation;
    component c = EpochDataCommitment(N);
    c.data <== data;
    commitment <== c.out;
    component e = EvaluateAt(N);
    e.coeffs <== data;
    e.x <== x;
    evaluation <== e.out;
}
component main = EpochDataTest(6);
