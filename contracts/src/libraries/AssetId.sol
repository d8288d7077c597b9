// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title AssetId
/// @notice Mirrors libs/protocol `assetIdOf` (SPEC.md): keccak256(abi.encode(uint256 originChainId, vault, token)).
library AssetId {
    function assetIdOf(uint256 originChainId, address vault, address token) internal pure returns (bytes32) {
        return keccak256(abi.encode(originChainId, vault, token));
    }
}
