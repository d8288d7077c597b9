// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT4} from "poseidon-solidity/PoseidonT4.sol";

/// @title PoseidonMerkle
/// @notice Mirrors libs/protocol's Poseidon trees (SPEC.md "Chain tree", "Shared tree"): nodes are P2(left, right),
///         leaves are P3(tag, ...), so a leaf can never pass as an inner node.
library PoseidonMerkle {
    /// @dev BN254 scalar field order r.
    uint256 internal constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant TAG_BATCH = 1;
    uint256 internal constant TAG_CHAIN = 2;

    /// @dev An input that is not a canonical field element (>= r): rejected rather than reduced, like libs/protocol.
    error NonCanonicalFieldElement(uint256 value);

    /// @dev toField(x) = uint256(x) mod r: how a keccak value enters a Poseidon tree.
    function toField(bytes32 x) internal pure returns (uint256) {
        return uint256(x) % FIELD;
    }

    /// @dev P2(left, right): an inner node.
    function hashPair(uint256 left, uint256 right) internal pure returns (uint256) {
        return PoseidonT3.hash([left, right]);
    }

    /// @dev batchLeaf(batchRoot, batchNumber) = P3(TAG_BATCH, toField(batchRoot), batchNumber).
    function batchLeaf(bytes32 batchRoot, uint64 batchNumber) internal pure returns (uint256) {
        return PoseidonT4.hash([TAG_BATCH, toField(batchRoot), uint256(batchNumber)]);
    }

    /// @dev chainLeaf(chainRoot, chainId) = P3(TAG_CHAIN, chainRoot, chainId).
    function chainLeaf(uint256 chainRoot, uint64 chainId) internal pure returns (uint256) {
        if (chainRoot >= FIELD) revert NonCanonicalFieldElement(chainRoot);
        return PoseidonT4.hash([TAG_CHAIN, chainRoot, uint256(chainId)]);
    }

    /// @dev Folds `leaf` at `index` up `path` (siblings from the leaf level) to the root. Siblings must be canonical.
    function fold(uint256 leaf, uint256 index, uint256[] calldata path) internal pure returns (uint256 node) {
        node = leaf;
        uint256 n = path.length;
        for (uint256 i = 0; i < n; ++i) {
            uint256 sibling = path[i];
            if (sibling >= FIELD) revert NonCanonicalFieldElement(sibling);
            node = (index >> i) & 1 == 0 ? PoseidonT3.hash([node, sibling]) : PoseidonT3.hash([sibling, node]);
        }
    }

    /// @dev Zc(depth) / Zs(depth): the root of an all-empty tree (empty leaf 0, Z(i+1) = P2(Z(i), Z(i))).
    function zeroRoot(uint256 depth) internal pure returns (uint256 z) {
        for (uint256 i = 0; i < depth; ++i) {
            z = PoseidonT3.hash([z, z]);
        }
    }
}
