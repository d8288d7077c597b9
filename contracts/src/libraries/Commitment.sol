// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT6} from "poseidon-solidity/PoseidonT6.sol";
import {PoseidonMerkle} from "./PoseidonMerkle.sol";

/// @title Commitment
/// @notice Mirrors libs/protocol's updates commitment (SPEC.md "Aggregation step"):
///         c0 = 0, c(i) = P5(c(i-1), slot, chainId, batchNumber, toField(batchRoot)).
library Commitment {
    /// @dev One link of the commitment chain.
    function step(
        uint256 prev,
        uint256 slot,
        uint64 chainId,
        uint64 batchNumber,
        bytes32 batchRoot
    ) internal pure returns (uint256) {
        return
            PoseidonT6.hash([prev, slot, uint256(chainId), uint256(batchNumber), PoseidonMerkle.toField(batchRoot)]);
    }
}
