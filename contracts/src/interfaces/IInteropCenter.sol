// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev What NativeTokenVault needs from the L2 InteropCenter.
interface IInteropCenter {
    function sendTokenMessage(
        address sender,
        uint64 dstChainId,
        address recipient,
        bytes calldata payload,
        bytes32 assetId,
        uint256 amount,
        uint64 gasLimit
    ) external payable returns (bytes32 messageId);

    function quoteFee(uint64 dstChainId, uint256 payloadLength, uint64 gasLimit) external view returns (uint256);
}
