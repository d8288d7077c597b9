pragma circom 2.1.0;
// Test harness: both leaf kinds side by side.
include "../../src/leaves.circom";

template LeavesTest() {
    signal input batchRootField;
    signal input batchNumber;
    signal input chainRoot;
    signal input chainId;
    signal output batch;
    signal output chain;
    component b = BatchLeaf();
    b.batchRootField <== batchRootField;
    b.batchNumber <== batchNumber;
    batch <== b.out;
    component c = ChainLeaf();
    c.chainRoot <== chainRoot;
    c.chainId <== chainId;
    chain <== c.out;
}
component main = LeavesTest();
