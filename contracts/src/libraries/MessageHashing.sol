// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InteropMessage} from "../interfaces/IInteropTypes.sol";

/// @title MessageHashing
/// @notice Mirrors libs/protocol `messageLeaf` (SPEC.md "InteropMessage").
library MessageHashing {
    /// @dev The leaf of `m` in its batch tree, also its message id: keccak256(abi.encode(m)).
    function messageLeaf(InteropMessage memory m) internal pure returns (bytes32) {
        return keccak256(abi.encode(m));
    }
}
