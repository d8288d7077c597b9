// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InteropMessage, MessageKind} from "./interfaces/IInteropTypes.sol";
import {IInteropCenter} from "./interfaces/IInteropCenter.sol";
import {INativeTokenVault} from "./interfaces/INativeTokenVault.sol";
import {ReentrancyGuard} from "./utils/ReentrancyGuard.sol";
import {AssetId} from "./libraries/AssetId.sol";
import {SafeTransfer} from "./libraries/SafeTransfer.sol";
import {TokenPayload} from "./libraries/TokenPayload.sol";
import {BridgedToken} from "./token/BridgedToken.sol";

/// @title NativeTokenVault (L2)
/// @notice Token bridge endpoint. A token native to this chain is locked here when it leaves and released when it
///         comes back; a token from elsewhere is represented by a BridgedToken minted on arrival and burned when it
///         leaves. Invariant per asset: sum over chains of BridgedToken supply == lockedBalance on the origin.
///         The vault must hold InteropCenter's VAULT_ROLE; only InteropHandler delivers TOKEN messages to it.
contract NativeTokenVault is ReentrancyGuard, INativeTokenVault {
    /// @dev Gas the destination handler gives `receiveToken` (covers deploying the BridgedToken on first use).
    uint64 public constant TOKEN_GAS_LIMIT = 1_500_000;

    IInteropCenter public immutable center;
    address public immutable handler;
    bytes32 private immutable _bridgedTokenCodeHash;

    /// @dev Amount of an origin-chain asset locked here (only assets whose origin is this chain and this vault).
    mapping(bytes32 assetId => uint256) public lockedBalance;
    /// @dev Non-zero for BridgedTokens this vault deployed.
    mapping(address token => bytes32) public bridgedAssetOf;

    event TokensBridged(
        bytes32 indexed messageId,
        bytes32 indexed assetId,
        address indexed token,
        address sender,
        uint64 dstChainId,
        address recipient,
        uint256 amount
    );
    event TokensReceived(bytes32 indexed assetId, address indexed token, address indexed recipient, uint256 amount);
    event BridgedTokenDeployed(bytes32 indexed assetId, address token, uint256 originChainId, address originToken);

    error ZeroAmount();
    error InvalidRecipient();
    error OnlyHandler(address caller);
    error NotATokenMessage(uint8 kind);
    error AssetIdMismatch(bytes32 expected, bytes32 provided);
    error WrongOriginVault(address expected, address provided);
    error InsufficientLocked(bytes32 assetId, uint256 locked, uint256 requested);
    error ZeroAddress();

    constructor(IInteropCenter center_, address handler_) {
        if (address(center_) == address(0) || handler_ == address(0)) revert ZeroAddress();
        center = center_;
        handler = handler_;
        _bridgedTokenCodeHash = keccak256(type(BridgedToken).creationCode);
    }

    /// @notice Sends `amount` of `token` to `recipient` on `dstChainId`. msg.value is the interop fee and must equal
    ///         `quoteBridgeFee`. A native token needs an allowance; a BridgedToken is burned from the caller.
    function bridge(
        address token,
        uint256 amount,
        uint64 dstChainId,
        address recipient
    ) external payable nonReentrant returns (bytes32 messageId) {
        if (amount == 0) revert ZeroAmount();
        if (recipient == address(0)) revert InvalidRecipient();
        bytes32 assetId = bridgedAssetOf[token];
        bytes memory payload;
        if (assetId != bytes32(0)) {
            BridgedToken(token).burn(msg.sender, amount);
            payload = _bridgedPayload(token);
        } else {
            assetId = AssetId.assetIdOf(block.chainid, address(this), token);
            // Count what arrived, not what was asked: fee-on-transfer tokens lock less than `amount`.
            uint256 before = _balanceOf(token, address(this));
            SafeTransfer.safeTransferFrom(token, msg.sender, address(this), amount);
            amount = _balanceOf(token, address(this)) - before;
            if (amount == 0) revert ZeroAmount();
            lockedBalance[assetId] += amount;
            payload = _nativePayload(token);
        }
        messageId = center.sendTokenMessage{value: msg.value}(
            msg.sender,
            dstChainId,
            recipient,
            payload,
            assetId,
            amount,
            TOKEN_GAS_LIMIT
        );
        emit TokensBridged(messageId, assetId, token, msg.sender, dstChainId, recipient, amount);
    }

    /// @notice The fee `bridge(token, ...)` must be paid with.
    function quoteBridgeFee(address token, uint64 dstChainId) external view returns (uint256) {
        bytes32 assetId = bridgedAssetOf[token];
        bytes memory payload;
        if (assetId != bytes32(0)) {
            payload = _bridgedPayload(token);
        } else {
            payload = _nativePayload(token);
        }
        return center.quoteFee(dstChainId, payload.length, TOKEN_GAS_LIMIT);
    }

    /// @inheritdoc INativeTokenVault
    function receiveToken(InteropMessage calldata m) external nonReentrant {
        if (msg.sender != handler) revert OnlyHandler(msg.sender);
        if (m.kind != uint8(MessageKind.TOKEN)) revert NotATokenMessage(m.kind);
        TokenPayload.Fields memory f = TokenPayload.decode(m.payload);
        bytes32 expected = AssetId.assetIdOf(f.originChainId, f.originVault, f.originToken);
        if (m.assetId != expected) revert AssetIdMismatch(expected, m.assetId);

        address token;
        if (f.originChainId == block.chainid) {
            if (f.originVault != address(this)) revert WrongOriginVault(address(this), f.originVault);
            uint256 locked = lockedBalance[expected];
            if (locked < m.amount) revert InsufficientLocked(expected, locked, m.amount);
            lockedBalance[expected] = locked - m.amount;
            token = f.originToken;
            SafeTransfer.safeTransfer(f.originToken, m.recipient, m.amount);
        } else {
            token = bridgedTokenAddress(expected);
            if (token.code.length == 0) {
                BridgedToken bt = new BridgedToken{salt: expected}();
                bt.initialize(f.name, f.symbol, f.decimals, expected, f.originChainId, f.originVault, f.originToken);
                bridgedAssetOf[token] = expected;
                emit BridgedTokenDeployed(expected, token, f.originChainId, f.originToken);
            }
            BridgedToken(token).mint(m.recipient, m.amount);
        }
        emit TokensReceived(expected, token, m.recipient, m.amount);
    }

    /// @notice Where the BridgedToken of `assetId` lives (deployed or not): CREATE2(this, assetId, BridgedToken code).
    function bridgedTokenAddress(bytes32 assetId) public view returns (address) {
        return
            address(
                uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), assetId, _bridgedTokenCodeHash))))
            );
    }

    /// @notice The asset id of a token native to this chain (keccak256(abi.encode(chainid, this, token))).
    function nativeAssetId(address token) external view returns (bytes32) {
        return AssetId.assetIdOf(block.chainid, address(this), token);
    }

    function _nativePayload(address token) private view returns (bytes memory) {
        return
            TokenPayload.encode(
                TokenPayload.Fields({
                    originChainId: block.chainid,
                    originVault: address(this),
                    originToken: token,
                    name: _stringOr(token, 0x06fdde03, ""),
                    symbol: _stringOr(token, 0x95d89b41, ""),
                    decimals: _decimalsOr(token, 18)
                })
            );
    }

    /// @dev The payload of a BridgedToken leaving this chain: the origin's metadata, as stored at deployment.
    function _bridgedPayload(address token) private view returns (bytes memory) {
        BridgedToken bt = BridgedToken(token);
        return
            TokenPayload.encode(
                TokenPayload.Fields({
                    originChainId: bt.originChainId(),
                    originVault: bt.originVault(),
                    originToken: bt.originToken(),
                    name: bt.name(),
                    symbol: bt.symbol(),
                    decimals: bt.decimals()
                })
            );
    }

    /// @dev Optional ERC-20 metadata: a token without name()/symbol() still bridges.
    function _stringOr(address token, bytes4 selector, string memory fallback_) private view returns (string memory) {
        (bool ok, bytes memory ret) = token.staticcall(abi.encodeWithSelector(selector));
        if (!ok || ret.length < 64) return fallback_;
        return abi.decode(ret, (string));
    }

    function _decimalsOr(address token, uint8 fallback_) private view returns (uint8) {
        (bool ok, bytes memory ret) = token.staticcall(abi.encodeWithSelector(0x313ce567));
        if (!ok || ret.length != 32) return fallback_;
        uint256 d = abi.decode(ret, (uint256));
        return d > type(uint8).max ? fallback_ : uint8(d);
    }

    function _balanceOf(address token, address account) private view returns (uint256) {
        (bool ok, bytes memory ret) = token.staticcall(abi.encodeWithSelector(0x70a08231, account));
        if (!ok || ret.length != 32) revert SafeTransfer.TokenTransferFailed(token, ret);
        return abi.decode(ret, (uint256));
    }
}
