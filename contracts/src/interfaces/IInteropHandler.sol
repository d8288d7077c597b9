// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev What a CALL recipient can ask the handler while it is being called: which message is being delivered.
interface IInteropHandler {
    /// @return messageId the leaf of the message in flight
    /// @return srcChainId its source chain
    /// @return sender its sender on the source chain
    function currentMessage() external view returns (bytes32 messageId, uint64 srcChainId, address sender);
}
