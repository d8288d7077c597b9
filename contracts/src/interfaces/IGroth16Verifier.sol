// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev The function snarkjs generates (`snarkjs zkey export solidityverifier`) for the aggregation circuit's 3
///      public signals [dataCommitment, challenge, evaluation] (SPEC.md "Epoch data"). Every epoch shape has its own
///      verifier with this interface (contracts/src/verifiers/AggregationVerifier<Shape>.sol).
interface IGroth16Verifier {
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[3] calldata pubSignals
    ) external view returns (bool);
}
