pragma circom 2.1.0;
// Test harness: AggregationSteps with SMALL parameters (2 groups of 2, chain depth 3, shared depth 2), its epoch data
// as outputs. The lie tests run here, so a rejection comes from the tree constraints alone, whatever the public
// signals would have been.
include "../../src/aggregation.circom";
component main = AggregationSteps(2, 2, 3, 2);
