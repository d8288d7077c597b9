// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ReentrancyGuard
/// @notice One lock per contract in transient storage (EIP-1153): cheap, and cleared at the end of the transaction
///         even if a frame forgets to.
abstract contract ReentrancyGuard {
    bool private transient _locked;

    error Reentrancy();

    modifier nonReentrant() {
        if (_locked) revert Reentrancy();
        _locked = true;
        _;
        _locked = false;
    }
}
