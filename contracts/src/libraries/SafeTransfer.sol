// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title SafeTransfer
/// @notice ERC-20 calls that accept tokens returning nothing (USDT-style) and fail loudly on `false` or a revert.
library SafeTransfer {
    error TokenTransferFailed(address token, bytes reason);
    error NativeTransferFailed(address to, uint256 amount);

    function safeTransfer(address token, address to, uint256 amount) internal {
        _call(token, abi.encodeWithSelector(0xa9059cbb, to, amount));
    }

    function safeTransferFrom(address token, address from, address to, uint256 amount) internal {
        _call(token, abi.encodeWithSelector(0x23b872dd, from, to, amount));
    }

    function sendValue(address to, uint256 amount) internal {
        (bool ok, ) = payable(to).call{value: amount}("");
        if (!ok) revert NativeTransferFailed(to, amount);
    }

    function _call(address token, bytes memory data) private {
        if (token.code.length == 0) revert TokenTransferFailed(token, "");
        (bool ok, bytes memory ret) = token.call(data);
        if (!ok || (ret.length != 0 && (ret.length != 32 || !abi.decode(ret, (bool))))) {
            revert TokenTransferFailed(token, ret);
        }
    }
}
