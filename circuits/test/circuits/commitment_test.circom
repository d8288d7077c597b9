pragma circom 2.1.0;
// Test harness: three commitment steps chained from c0 = 0.
include "../../src/commitment.circom";

template CommitmentTest(N) {
    signal input slot[N];
    signal input chainId[N];
    signal input batchNumber[N];
    signal input batchRootField[N];
    signal output out;
    component steps[N];
    signal acc[N + 1];
    acc[0] <== 0;
    for (var i = 0; i < N; i++) {
        steps[i] = CommitmentStep();
        steps[i].prev <== acc[i];
        steps[i].slot <== slot[i];
        steps[i].chainId <== chainId[i];
        steps[i].batchNumber <== batchNumber[i];
        steps[i].batchRootField <== batchRootField[i];
        acc[i + 1] <== steps[i].out;
    }
    out <== acc[N];
}
component main = CommitmentTest(3);
