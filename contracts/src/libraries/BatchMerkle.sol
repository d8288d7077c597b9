// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title BatchMerkle
/// @notice Mirrors libs/protocol's keccak batch tree (SPEC.md "Batch tree"): node = keccak256(left ‖ right),
///         bit i of the index = 0 means the current node is the left child at level i.
library BatchMerkle {
    /// @dev Folds `leaf` up `path` (siblings from the leaf level) to the root.
    function fold(bytes32 leaf, uint256 index, bytes32[] calldata path) internal pure returns (bytes32 node) {
        node = leaf;
        uint256 n = path.length;
        for (uint256 i = 0; i < n; ++i) {
            bytes32 sibling = path[i];
            if ((index >> i) & 1 == 0) {
                node = _hashPair(node, sibling);
            } else {
                node = _hashPair(sibling, node);
            }
        }
    }

    /// @dev Z(depth): the root of an all-empty tree (Z0 = 0, Z(i+1) = keccak(Z(i) ‖ Z(i))).
    function zeroRoot(uint256 depth) internal pure returns (bytes32 z) {
        for (uint256 i = 0; i < depth; ++i) {
            z = _hashPair(z, z);
        }
    }

    function _hashPair(bytes32 left, bytes32 right) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            mstore(0x00, left)
            mstore(0x20, right)
            h := keccak256(0x00, 0x40)
        }
    }
}
