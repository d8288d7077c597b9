// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {FeeParams} from "../interfaces/IInteropTypes.sol";

/// @title FeeMath
/// @notice Mirrors libs/protocol's fee (SPEC.md "Interop fee"):
///         fee = baseFee + perByteFee * payloadLength + ceilDiv(gasLimit * dstGasPrice * exchangeRateE18, 1e18).
library FeeMath {
    uint256 internal constant ONE = 1e18;

    /// @dev The fee in source-chain wei. Reverts (checked arithmetic) rather than wrapping on absurd parameters.
    function fee(FeeParams memory p, uint256 payloadLength, uint256 gasLimit) internal pure returns (uint256) {
        return p.baseFee + p.perByteFee * payloadLength + ceilDiv(gasLimit * p.dstGasPrice * p.exchangeRateE18, ONE);
    }

    /// @dev ceil(a / b) for b > 0.
    function ceilDiv(uint256 a, uint256 b) internal pure returns (uint256) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }
}
