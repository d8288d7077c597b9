// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InteropMessage, MessageKind, FeeParams} from "./interfaces/IInteropTypes.sol";
import {IInteropCenter} from "./interfaces/IInteropCenter.sol";
import {Roles} from "./access/Roles.sol";
import {ReentrancyGuard} from "./utils/ReentrancyGuard.sol";
import {FeeMath} from "./libraries/FeeMath.sol";
import {MessageHashing} from "./libraries/MessageHashing.sol";
import {SafeTransfer} from "./libraries/SafeTransfer.sol";

/// @title InteropCenter (L2, source side)
/// @notice Entry point for outgoing interop messages. Charges the interop fee in the native coin (msg.value must
///         equal `quoteFee` exactly: no refunds, so the fee recorded in the message is what was paid and no
///         external call happens on the send path), assigns per-sender nonces, enforces the route policy (pause,
///         token-bucket rate limit, destination allowlist) and emits the whole message in `MessageSent` so the
///         chain app can rebuild the batch tree from logs alone.
contract InteropCenter is Roles, ReentrancyGuard, IInteropCenter {
    /// @dev Sets per-destination fee parameters.
    bytes32 public constant FEE_ADMIN_ROLE = keccak256("FEE_ADMIN_ROLE");
    /// @dev Pauses routes and sets rate limits.
    bytes32 public constant ROUTE_ADMIN_ROLE = keccak256("ROUTE_ADMIN_ROLE");
    /// @dev The chain admin's outbound interop policy (destination allowlist).
    bytes32 public constant POLICY_ADMIN_ROLE = keccak256("POLICY_ADMIN_ROLE");
    /// @dev Withdraws collected fees.
    bytes32 public constant TREASURY_ROLE = keccak256("TREASURY_ROLE");
    /// @dev The NativeTokenVault: the only sender of TOKEN messages.
    bytes32 public constant VAULT_ROLE = keccak256("VAULT_ROLE");

    /// @dev Token bucket in messages. capacity == 0 means the route is not rate limited.
    struct RateLimit {
        uint64 capacity;
        uint64 refillPerSecond;
        uint64 tokens;
        uint64 updatedAt;
    }

    mapping(address sender => uint64) public nonces;
    mapping(uint64 dstChainId => FeeParams) private _feeParams;
    mapping(uint64 dstChainId => bool) public routeConfigured;
    mapping(uint64 dstChainId => bool) public routePaused;
    mapping(uint64 dstChainId => RateLimit) private _rateLimits;
    bool public destinationAllowlistEnabled;
    mapping(uint64 dstChainId => bool) public destinationAllowed;
    /// @dev Total fees ever charged (wei); the balance held is feesCollected - feesWithdrawn.
    uint256 public feesCollected;
    uint256 public feesWithdrawn;

    event MessageSent(bytes32 indexed messageId, uint64 indexed dstChainId, uint64 nonce, InteropMessage message);
    event FeeParamsSet(uint64 indexed dstChainId, FeeParams params);
    event RoutePaused(uint64 indexed dstChainId);
    event RouteResumed(uint64 indexed dstChainId);
    event RateLimitSet(uint64 indexed dstChainId, uint64 capacity, uint64 refillPerSecond);
    event DestinationAllowlistEnabled(bool enabled);
    event DestinationAllowed(uint64 indexed dstChainId, bool allowed);
    event FeesWithdrawn(address indexed to, uint256 amount, address indexed by);

    error InvalidDestination(uint64 dstChainId);
    error RouteNotConfigured(uint64 dstChainId);
    error RouteIsPaused(uint64 dstChainId);
    error RateLimited(uint64 dstChainId);
    error DestinationNotAllowed(uint64 dstChainId);
    error WrongFee(uint256 required, uint256 provided);
    error InvalidRecipient();
    error InsufficientFees(uint256 available, uint256 requested);

    constructor(address admin) Roles(admin) {
        _grantRole(FEE_ADMIN_ROLE, admin);
        _grantRole(ROUTE_ADMIN_ROLE, admin);
        _grantRole(POLICY_ADMIN_ROLE, admin);
        _grantRole(TREASURY_ROLE, admin);
    }

    // ---------------------------------------------------------------- sending

    /// @notice Sends a CALL message: on `dstChainId`, InteropHandler calls `recipient` with `payload` and `gasLimit`.
    /// @dev msg.value must equal quoteFee(dstChainId, payload.length, gasLimit).
    function sendMessage(
        uint64 dstChainId,
        address recipient,
        bytes calldata payload,
        uint64 gasLimit
    ) external payable nonReentrant returns (bytes32 messageId) {
        return _send(msg.sender, dstChainId, recipient, uint8(MessageKind.CALL), payload, bytes32(0), 0, gasLimit);
    }

    /// @notice Sends a TOKEN message on behalf of `sender` (the vault's caller). Only the vault.
    function sendTokenMessage(
        address sender,
        uint64 dstChainId,
        address recipient,
        bytes calldata payload,
        bytes32 assetId,
        uint256 amount,
        uint64 gasLimit
    ) external payable onlyRole(VAULT_ROLE) nonReentrant returns (bytes32 messageId) {
        return _send(sender, dstChainId, recipient, uint8(MessageKind.TOKEN), payload, assetId, amount, gasLimit);
    }

    /// @notice The fee (source-chain wei) of a message to `dstChainId` (SPEC.md "Interop fee").
    function quoteFee(uint64 dstChainId, uint256 payloadLength, uint64 gasLimit) public view returns (uint256) {
        if (!routeConfigured[dstChainId]) revert RouteNotConfigured(dstChainId);
        return FeeMath.fee(_feeParams[dstChainId], payloadLength, gasLimit);
    }

    function _send(
        address sender,
        uint64 dstChainId,
        address recipient,
        uint8 kind,
        bytes calldata payload,
        bytes32 assetId,
        uint256 amount,
        uint64 gasLimit
    ) private returns (bytes32 messageId) {
        if (dstChainId == 0 || dstChainId == block.chainid) revert InvalidDestination(dstChainId);
        if (recipient == address(0)) revert InvalidRecipient();
        if (destinationAllowlistEnabled && !destinationAllowed[dstChainId]) revert DestinationNotAllowed(dstChainId);
        if (routePaused[dstChainId]) revert RouteIsPaused(dstChainId);
        uint256 fee = quoteFee(dstChainId, payload.length, gasLimit);
        if (msg.value != fee) revert WrongFee(fee, msg.value);
        _consumeRateLimit(dstChainId);

        uint64 nonce = nonces[sender]++;
        feesCollected += fee;
        InteropMessage memory m = InteropMessage({
            srcChainId: uint64(block.chainid),
            dstChainId: dstChainId,
            nonce: nonce,
            sender: sender,
            recipient: recipient,
            kind: kind,
            payload: payload,
            assetId: assetId,
            amount: amount,
            fee: fee,
            gasLimit: gasLimit
        });
        messageId = MessageHashing.messageLeaf(m);
        emit MessageSent(messageId, dstChainId, nonce, m);
    }

    function _consumeRateLimit(uint64 dstChainId) private {
        RateLimit storage rl = _rateLimits[dstChainId];
        if (rl.capacity == 0) return;
        uint256 tokens = _available(rl);
        if (tokens == 0) revert RateLimited(dstChainId);
        rl.tokens = uint64(tokens - 1);
        rl.updatedAt = uint64(block.timestamp);
    }

    function _available(RateLimit storage rl) private view returns (uint256) {
        uint256 refilled = uint256(rl.tokens) + (block.timestamp - rl.updatedAt) * rl.refillPerSecond;
        return refilled > rl.capacity ? rl.capacity : refilled;
    }

    // ---------------------------------------------------------------- administration

    /// @notice Sets the fee parameters of `dstChainId` and opens the route for quoting and sending.
    function setFeeParams(uint64 dstChainId, FeeParams calldata params) external onlyRole(FEE_ADMIN_ROLE) {
        if (dstChainId == 0 || dstChainId == block.chainid) revert InvalidDestination(dstChainId);
        _feeParams[dstChainId] = params;
        routeConfigured[dstChainId] = true;
        emit FeeParamsSet(dstChainId, params);
    }

    function feeParams(uint64 dstChainId) external view returns (FeeParams memory) {
        return _feeParams[dstChainId];
    }

    function pauseRoute(uint64 dstChainId) external onlyRole(ROUTE_ADMIN_ROLE) {
        routePaused[dstChainId] = true;
        emit RoutePaused(dstChainId);
    }

    function resumeRoute(uint64 dstChainId) external onlyRole(ROUTE_ADMIN_ROLE) {
        routePaused[dstChainId] = false;
        emit RouteResumed(dstChainId);
    }

    /// @notice Token bucket of `capacity` messages refilled by `refillPerSecond` per second; capacity 0 = unlimited.
    ///         The bucket starts full.
    function setRateLimit(uint64 dstChainId, uint64 capacity, uint64 refillPerSecond) external onlyRole(ROUTE_ADMIN_ROLE) {
        _rateLimits[dstChainId] = RateLimit({
            capacity: capacity,
            refillPerSecond: refillPerSecond,
            tokens: capacity,
            updatedAt: uint64(block.timestamp)
        });
        emit RateLimitSet(dstChainId, capacity, refillPerSecond);
    }

    /// @notice The route's bucket and how many messages it would accept now.
    function rateLimit(uint64 dstChainId) external view returns (RateLimit memory config, uint256 available) {
        config = _rateLimits[dstChainId];
        available = config.capacity == 0 ? type(uint256).max : _available(_rateLimits[dstChainId]);
    }

    function setDestinationAllowlistEnabled(bool enabled) external onlyRole(POLICY_ADMIN_ROLE) {
        destinationAllowlistEnabled = enabled;
        emit DestinationAllowlistEnabled(enabled);
    }

    function setDestinationAllowed(uint64 dstChainId, bool allowed) external onlyRole(POLICY_ADMIN_ROLE) {
        destinationAllowed[dstChainId] = allowed;
        emit DestinationAllowed(dstChainId, allowed);
    }

    /// @notice Sends `amount` of the collected fees to `to`.
    function withdrawFees(address to, uint256 amount) external onlyRole(TREASURY_ROLE) nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        uint256 available = feesCollected - feesWithdrawn;
        if (amount > available) revert InsufficientFees(available, amount);
        feesWithdrawn += amount;
        emit FeesWithdrawn(to, amount, msg.sender);
        SafeTransfer.sendValue(to, amount);
    }
}
