pragma circom 2.1.0;
// Test harness: the aggregation template with SMALL parameters (2 groups of 2, chain depth 3, shared depth 2), so the
// unit tests can reach full chain trees and every slot quickly. The production shapes (circuits/shapes) use the
// same template at depths 20/10; circuits/test/vectors.spec.ts checks those against the shared vectors.
include "../../src/aggregation.circom";
component main {public [dataCommitment, challenge, evaluation]} = Aggregation(2, 2, 3, 2);
