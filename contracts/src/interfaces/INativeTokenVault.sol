// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InteropMessage} from "./IInteropTypes.sol";

/// @dev What InteropHandler calls to deliver a TOKEN message.
interface INativeTokenVault {
    function receiveToken(InteropMessage calldata m) external;
}
