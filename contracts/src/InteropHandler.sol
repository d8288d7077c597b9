// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InteropMessage, InclusionProof, MessageKind} from "./interfaces/IInteropTypes.sol";
import {IInteropHandler} from "./interfaces/IInteropHandler.sol";
import {INativeTokenVault} from "./interfaces/INativeTokenVault.sol";
import {Roles} from "./access/Roles.sol";
import {ReentrancyGuard} from "./utils/ReentrancyGuard.sol";
import {MessageHashing} from "./libraries/MessageHashing.sol";
import {BatchMerkle} from "./libraries/BatchMerkle.sol";
import {PoseidonMerkle} from "./libraries/PoseidonMerkle.sol";

/// @title InteropHandler (L2, destination side)
/// @notice Imports shared roots proven on L1 and executes interop messages against them. A message executes at
///         most once (replay guard by message id). Verification: keccak path -> batch root, then Poseidon paths
///         batch leaf -> chain root -> shared root of `proof.epoch`; a batch proven once is cached, so the other
///         messages of that batch only pay the keccak path.
///
///         CALL messages are delivered as a plain call `recipient.call{gas: gasLimit}(payload)`; during the call the
///         recipient authenticates the origin with `currentMessage()` (message id, source chain, sender). TOKEN
///         messages go to the NativeTokenVault. A delivery that reverts is recorded as FAILED (with the revert data
///         in `MessageFailed`) and does not revert the transaction, so one bad recipient blocks nobody; anyone may
///         `retryMessage` it later. FAILED is terminal only through EXECUTED: a FAILED message can never be
///         executed through `executeMessage` again, only retried.
contract InteropHandler is Roles, ReentrancyGuard, IInteropHandler {
    /// @dev Imports shared roots (the chain operator's L1 watcher).
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    /// @dev The chain admin's inbound interop policy (source allowlist).
    bytes32 public constant POLICY_ADMIN_ROLE = keccak256("POLICY_ADMIN_ROLE");

    enum MessageStatus {
        NONE,
        EXECUTED,
        FAILED
    }

    /// @dev Gas kept back for bookkeeping after the delivery call returns.
    uint256 private constant POST_CALL_GAS = 50_000;
    /// @dev Longest revert reason kept in `MessageFailed`.
    uint256 private constant MAX_REASON = 1024;

    uint8 public immutable BATCH_DEPTH;
    uint8 public immutable CHAIN_DEPTH;
    uint8 public immutable SHARED_DEPTH;

    address public vault;
    uint64 public latestEpoch;
    bool public sourceAllowlistEnabled;
    mapping(uint64 srcChainId => bool) public sourceAllowed;
    mapping(uint64 epoch => bytes32 root) private _sharedRoots;
    mapping(bytes32 messageId => MessageStatus) public messageStatus;
    mapping(bytes32 batchKey => bool) private _provenBatches;

    bytes32 private transient _ctxMessageId;
    uint64 private transient _ctxSrcChainId;
    address private transient _ctxSender;

    event VaultSet(address vault);
    event SharedRootImported(uint64 indexed epoch, bytes32 root);
    event SourceAllowlistEnabled(bool enabled);
    event SourceAllowed(uint64 indexed srcChainId, bool allowed);
    event BatchProven(uint64 indexed srcChainId, uint64 indexed batchNumber, bytes32 batchRoot, uint64 epoch);
    event MessageExecuted(bytes32 indexed messageId, uint64 indexed srcChainId, uint64 nonce, bool retried);
    event MessageFailed(bytes32 indexed messageId, uint64 indexed srcChainId, uint64 nonce, bytes reason);

    error InvalidConfig();
    error VaultAlreadySet();
    error VaultNotSet();
    error EpochNotIncreasing(uint64 latest, uint64 provided);
    error ZeroRoot();
    error WrongDestination(uint64 expected, uint64 provided);
    error SourceNotAllowed(uint64 srcChainId);
    error AlreadyProcessed(bytes32 messageId, MessageStatus status);
    error NotFailed(bytes32 messageId, MessageStatus status);
    error UnknownEpoch(uint64 epoch);
    error InvalidPathLength(uint256 expected, uint256 provided);
    error IndexOutOfRange(uint256 index, uint256 depth);
    error InvalidInclusionProof(bytes32 computedRoot, bytes32 expectedRoot);
    error InvalidMessageKind(uint8 kind);
    error ForbiddenRecipient(address recipient);
    error InsufficientGas(uint256 required, uint256 available);
    error RetryFailed(bytes32 messageId, bytes reason);
    error LengthMismatch(uint256 messages, uint256 proofs);
    error NoMessageInFlight();

    constructor(address admin, uint8 batchDepth, uint8 chainDepth, uint8 sharedDepth) Roles(admin) {
        if (batchDepth == 0 || batchDepth > 32 || chainDepth == 0 || chainDepth > 32) revert InvalidConfig();
        if (sharedDepth == 0 || sharedDepth > 32) revert InvalidConfig();
        BATCH_DEPTH = batchDepth;
        CHAIN_DEPTH = chainDepth;
        SHARED_DEPTH = sharedDepth;
        _grantRole(OPERATOR_ROLE, admin);
        _grantRole(POLICY_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- administration

    /// @notice One-time link to the NativeTokenVault (deployed after the handler, since it needs the handler).
    function setVault(address vault_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (vault != address(0)) revert VaultAlreadySet();
        if (vault_ == address(0)) revert ZeroAddress();
        vault = vault_;
        emit VaultSet(vault_);
    }

    /// @notice Imports the shared root L1 settled at `epoch`. Epochs strictly increase; gaps are allowed (a chain
    ///         only needs the roots its messages are proven against).
    function importSharedRoot(uint64 epoch, bytes32 root) external onlyRole(OPERATOR_ROLE) {
        if (epoch <= latestEpoch) revert EpochNotIncreasing(latestEpoch, epoch);
        if (root == bytes32(0)) revert ZeroRoot();
        latestEpoch = epoch;
        _sharedRoots[epoch] = root;
        emit SharedRootImported(epoch, root);
    }

    function sharedRootAt(uint64 epoch) external view returns (bytes32) {
        return _sharedRoots[epoch];
    }

    function setSourceAllowlistEnabled(bool enabled) external onlyRole(POLICY_ADMIN_ROLE) {
        sourceAllowlistEnabled = enabled;
        emit SourceAllowlistEnabled(enabled);
    }

    function setSourceAllowed(uint64 srcChainId, bool allowed) external onlyRole(POLICY_ADMIN_ROLE) {
        sourceAllowed[srcChainId] = allowed;
        emit SourceAllowed(srcChainId, allowed);
    }

    // ---------------------------------------------------------------- execution

    /// @notice Verifies `p` for `m` and delivers it. Reverts if the proof or the policy rejects it or it was
    ///         processed before; a delivery that fails is recorded as FAILED and does not revert.
    /// @return executed true if the delivery succeeded (EXECUTED), false if it was recorded as FAILED
    function executeMessage(
        InteropMessage calldata m,
        InclusionProof calldata p
    ) external nonReentrant returns (bool executed) {
        bytes32 id = MessageHashing.messageLeaf(m);
        MessageStatus status = messageStatus[id];
        if (status != MessageStatus.NONE) revert AlreadyProcessed(id, status);
        return _verifyAndDeliver(id, m, p);
    }

    /// @notice Executes several messages in one transaction. Messages already processed (by another relayer) are
    ///         skipped instead of reverting the whole batch; any other rejection reverts everything.
    /// @return executed how many were delivered successfully; failed deliveries are recorded as FAILED
    function executeMessages(
        InteropMessage[] calldata ms,
        InclusionProof[] calldata ps
    ) external nonReentrant returns (uint256 executed) {
        if (ms.length != ps.length) revert LengthMismatch(ms.length, ps.length);
        for (uint256 i = 0; i < ms.length; ++i) {
            bytes32 id = MessageHashing.messageLeaf(ms[i]);
            if (messageStatus[id] != MessageStatus.NONE) continue;
            if (_verifyAndDeliver(id, ms[i], ps[i])) ++executed;
        }
    }

    /// @notice Delivers a FAILED message again (anyone may call). Reverts with the delivery's revert data if it
    ///         fails again, so a failed retry changes nothing.
    function retryMessage(InteropMessage calldata m) external nonReentrant {
        bytes32 id = MessageHashing.messageLeaf(m);
        MessageStatus status = messageStatus[id];
        if (status != MessageStatus.FAILED) revert NotFailed(id, status);
        _checkPolicy(m);
        messageStatus[id] = MessageStatus.EXECUTED;
        (bool ok, bytes memory reason) = _deliver(id, m);
        if (!ok) revert RetryFailed(id, reason);
        emit MessageExecuted(id, m.srcChainId, m.nonce, true);
    }

    /// @notice Whether `p` proves `m` against the imported root of `p.epoch` (no state change, no cache).
    function verifyInclusion(InteropMessage calldata m, InclusionProof calldata p) external view returns (bool) {
        bytes32 batchRoot = _batchRoot(MessageHashing.messageLeaf(m), p);
        bytes32 expected = _sharedRoots[p.epoch];
        return expected != bytes32(0) && _sharedRootOf(m.srcChainId, batchRoot, p) == expected;
    }

    function isBatchProven(uint64 srcChainId, uint64 batchNumber, bytes32 batchRoot) external view returns (bool) {
        return _provenBatches[_batchKey(srcChainId, batchNumber, batchRoot)];
    }

    /// @inheritdoc IInteropHandler
    function currentMessage() external view returns (bytes32 messageId, uint64 srcChainId, address sender) {
        if (_ctxMessageId == bytes32(0)) revert NoMessageInFlight();
        return (_ctxMessageId, _ctxSrcChainId, _ctxSender);
    }

    function _verifyAndDeliver(
        bytes32 id,
        InteropMessage calldata m,
        InclusionProof calldata p
    ) private returns (bool) {
        if (m.dstChainId != block.chainid) revert WrongDestination(uint64(block.chainid), m.dstChainId);
        _checkPolicy(m);
        _verifyProof(id, m.srcChainId, p);

        // The status is written before the external call: a re-entrant attempt would also hit nonReentrant.
        messageStatus[id] = MessageStatus.EXECUTED;
        (bool ok, bytes memory reason) = _deliver(id, m);
        if (ok) {
            emit MessageExecuted(id, m.srcChainId, m.nonce, false);
        } else {
            messageStatus[id] = MessageStatus.FAILED;
            emit MessageFailed(id, m.srcChainId, m.nonce, reason);
        }
        return ok;
    }

    function _checkPolicy(InteropMessage calldata m) private view {
        if (sourceAllowlistEnabled && !sourceAllowed[m.srcChainId]) revert SourceNotAllowed(m.srcChainId);
    }

    function _verifyProof(bytes32 leaf, uint64 srcChainId, InclusionProof calldata p) private {
        bytes32 batchRoot = _batchRoot(leaf, p);
        bytes32 key = _batchKey(srcChainId, p.batchNumber, batchRoot);
        if (_provenBatches[key]) return;
        bytes32 expected = _sharedRoots[p.epoch];
        if (expected == bytes32(0)) revert UnknownEpoch(p.epoch);
        bytes32 computed = _sharedRootOf(srcChainId, batchRoot, p);
        if (computed != expected) revert InvalidInclusionProof(computed, expected);
        _provenBatches[key] = true;
        emit BatchProven(srcChainId, p.batchNumber, batchRoot, p.epoch);
    }

    function _batchRoot(bytes32 leaf, InclusionProof calldata p) private view returns (bytes32) {
        if (p.batchPath.length != BATCH_DEPTH) revert InvalidPathLength(BATCH_DEPTH, p.batchPath.length);
        if (uint256(p.leafIndex) >> BATCH_DEPTH != 0) revert IndexOutOfRange(p.leafIndex, BATCH_DEPTH);
        return BatchMerkle.fold(leaf, p.leafIndex, p.batchPath);
    }

    function _sharedRootOf(
        uint64 srcChainId,
        bytes32 batchRoot,
        InclusionProof calldata p
    ) private view returns (bytes32) {
        if (p.chainPath.length != CHAIN_DEPTH) revert InvalidPathLength(CHAIN_DEPTH, p.chainPath.length);
        if (p.sharedPath.length != SHARED_DEPTH) revert InvalidPathLength(SHARED_DEPTH, p.sharedPath.length);
        if (uint256(p.batchNumber) >> CHAIN_DEPTH != 0) revert IndexOutOfRange(p.batchNumber, CHAIN_DEPTH);
        if (uint256(p.slot) >> SHARED_DEPTH != 0) revert IndexOutOfRange(p.slot, SHARED_DEPTH);
        uint256 chainRoot = PoseidonMerkle.fold(
            PoseidonMerkle.batchLeaf(batchRoot, p.batchNumber),
            p.batchNumber,
            p.chainPath
        );
        return bytes32(PoseidonMerkle.fold(PoseidonMerkle.chainLeaf(chainRoot, srcChainId), p.slot, p.sharedPath));
    }

    function _batchKey(uint64 srcChainId, uint64 batchNumber, bytes32 batchRoot) private pure returns (bytes32) {
        return keccak256(abi.encode(srcChainId, batchNumber, batchRoot));
    }

    /// @dev A call that copies at most MAX_REASON bytes of return data, so a recipient cannot make the handler pay
    ///      for an enormous revert reason (return-data bomb).
    function _boundedCall(
        address target,
        uint256 gasLimit,
        bytes memory data
    ) private returns (bool ok, bytes memory reason) {
        assembly ("memory-safe") {
            ok := call(gasLimit, target, 0, add(data, 0x20), mload(data), 0, 0)
            let size := returndatasize()
            if gt(size, MAX_REASON) {
                size := MAX_REASON
            }
            reason := mload(0x40)
            mstore(reason, size)
            returndatacopy(add(reason, 0x20), 0, size)
            mstore(0x40, add(add(reason, 0x20), and(add(size, 31), not(31))))
        }
    }

    /// @dev Calls the recipient (CALL) or the vault (TOKEN) with exactly m.gasLimit gas, refusing to start if the
    ///      relayer did not give enough gas for that (otherwise a relayer could make a delivery fail on purpose).
    function _deliver(bytes32 id, InteropMessage calldata m) private returns (bool ok, bytes memory reason) {
        address target;
        bytes memory data;
        if (m.kind == uint8(MessageKind.CALL)) {
            // A CALL must never reach the vault (it would mint for whoever asks) or the handler itself.
            if (m.recipient == vault || m.recipient == address(this)) revert ForbiddenRecipient(m.recipient);
            target = m.recipient;
            data = m.payload;
        } else if (m.kind == uint8(MessageKind.TOKEN)) {
            if (vault == address(0)) revert VaultNotSet();
            target = vault;
            data = abi.encodeCall(INativeTokenVault.receiveToken, (m));
        } else {
            revert InvalidMessageKind(m.kind);
        }
        uint256 required = (uint256(m.gasLimit) * 64) / 63 + POST_CALL_GAS;
        if (gasleft() < required) revert InsufficientGas(required, gasleft());

        _ctxMessageId = id;
        _ctxSrcChainId = m.srcChainId;
        _ctxSender = m.sender;
        (ok, reason) = _boundedCall(target, m.gasLimit, data);
        _ctxMessageId = bytes32(0);
        _ctxSrcChainId = 0;
        _ctxSender = address(0);
    }
}
