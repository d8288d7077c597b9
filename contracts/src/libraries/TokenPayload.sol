// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title TokenPayload
/// @notice Mirrors libs/protocol `encodeTokenPayload` / `decodeTokenPayload` (SPEC.md "InteropMessage", TOKEN):
///         abi.encode(uint256 originChainId, address originVault, address originToken, string name, string symbol,
///         uint8 decimals).
library TokenPayload {
    struct Fields {
        uint256 originChainId;
        address originVault;
        address originToken;
        string name;
        string symbol;
        uint8 decimals;
    }

    function encode(Fields memory f) internal pure returns (bytes memory) {
        return abi.encode(f.originChainId, f.originVault, f.originToken, f.name, f.symbol, f.decimals);
    }

    function decode(bytes memory payload) internal pure returns (Fields memory f) {
        (f.originChainId, f.originVault, f.originToken, f.name, f.symbol, f.decimals) = abi.decode(
            payload,
            (uint256, address, address, string, string, uint8)
        );
    }
}
