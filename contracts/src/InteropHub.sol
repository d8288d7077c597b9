// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Update, Groth16Proof} from "./interfaces/IInteropTypes.sol";
import {IGroth16Verifier} from "./interfaces/IGroth16Verifier.sol";
import {Roles} from "./access/Roles.sol";
import {PoseidonMerkle} from "./libraries/PoseidonMerkle.sol";
import {Commitment} from "./libraries/Commitment.sol";
import {TypedData} from "./libraries/TypedData.sol";

/// @title InteropHub (L1)
/// @notice Registry of the network's chains and the settled chain of shared roots. Each `submitRoot` moves the
///         shared root from the current one to a new one if every batch root in it was signed by its chain's
///         operator (EIP-712 `BatchRoot`) and a Groth16 proof shows that applying exactly those updates (their
///         Poseidon commitment is a public input) to the current shared root yields the new one. The updates travel
///         as calldata and are echoed in `BatchSettled` events, so anyone can rebuild every tree from L1 alone.
contract InteropHub is Roles {
    /// @dev May register chains, pause/resume them and change their operator.
    bytes32 public constant CHAIN_MANAGER_ROLE = keccak256("CHAIN_MANAGER_ROLE");
    /// @dev May submit proven shared roots (the hub app's L1 key).
    bytes32 public constant SUBMITTER_ROLE = keccak256("SUBMITTER_ROLE");

    struct ChainInfo {
        address operator;
        uint32 slot;
        bool registered;
        bool paused;
        uint64 nextBatchNumber;
    }

    IGroth16Verifier public immutable verifier;
    /// @dev Depth of the shared tree: at most 2^SHARED_DEPTH chains.
    uint8 public immutable SHARED_DEPTH;
    /// @dev At most K updates per submission (the circuit's capacity).
    uint16 public immutable K;
    /// @dev Zs(SHARED_DEPTH), the shared root of epoch 0.
    bytes32 public immutable GENESIS_ROOT;

    uint256 private immutable _cachedChainId;
    bytes32 private immutable _cachedDomainSeparator;

    uint64 public epoch;
    bytes32 public sharedRoot;
    uint32 public chainCount;

    mapping(uint64 chainId => ChainInfo) private _chains;
    mapping(uint32 slot => uint64 chainId) public chainIdAtSlot;
    mapping(uint64 epoch => bytes32 root) private _roots;

    event ChainRegistered(uint64 indexed chainId, uint32 slot, address operator);
    event ChainPaused(uint64 indexed chainId);
    event ChainResumed(uint64 indexed chainId);
    event OperatorChanged(uint64 indexed chainId, address previousOperator, address newOperator);
    event RootSubmitted(uint64 indexed epoch, bytes32 prevRoot, bytes32 newRoot, uint256 updatesCount);
    event BatchSettled(uint64 indexed chainId, uint64 indexed batchNumber, bytes32 batchRoot, uint64 indexed epoch);

    error InvalidConfig();
    error InvalidChainId(uint64 chainId);
    error ChainAlreadyRegistered(uint64 chainId);
    error ChainNotRegistered(uint64 chainId);
    error ChainIsPaused(uint64 chainId);
    error ChainNotPaused(uint64 chainId);
    error RegistryFull(uint32 capacity);
    error WrongEpoch(uint64 expected, uint64 provided);
    error WrongPrevRoot(bytes32 expected, bytes32 provided);
    error InvalidUpdateCount(uint256 count, uint256 max);
    error SignatureCountMismatch(uint256 updates, uint256 signatures);
    error NonConsecutiveBatch(uint64 chainId, uint64 expected, uint64 provided);
    error InvalidSignature(uint256 index, uint64 chainId, address recovered);
    error InvalidProof();

    /// @param admin gets DEFAULT_ADMIN_ROLE, CHAIN_MANAGER_ROLE and SUBMITTER_ROLE (it can hand them out after)
    /// @param verifier_ the snarkjs-generated Groth16 verifier of the aggregation circuit
    /// @param sharedDepth the circuit's SHARED_DEPTH (1..32)
    /// @param k the circuit's K (updates per proof)
    constructor(address admin, IGroth16Verifier verifier_, uint8 sharedDepth, uint16 k) Roles(admin) {
        if (address(verifier_) == address(0) || sharedDepth == 0 || sharedDepth > 32 || k == 0) revert InvalidConfig();
        verifier = verifier_;
        SHARED_DEPTH = sharedDepth;
        K = k;
        bytes32 genesis = bytes32(PoseidonMerkle.zeroRoot(sharedDepth));
        GENESIS_ROOT = genesis;
        sharedRoot = genesis;
        _roots[0] = genesis;
        _cachedChainId = block.chainid;
        _cachedDomainSeparator = TypedData.domainSeparator(block.chainid, address(this));
        _grantRole(CHAIN_MANAGER_ROLE, admin);
        _grantRole(SUBMITTER_ROLE, admin);
    }

    // ---------------------------------------------------------------- chain registry

    /// @notice Registers `chainId` in the next free shared-tree slot. The slot stays empty (0) until the chain's
    ///         first batch is aggregated, so registering does not change the shared root.
    function registerChain(uint64 chainId, address operator) external onlyRole(CHAIN_MANAGER_ROLE) returns (uint32 slot) {
        if (chainId == 0) revert InvalidChainId(chainId);
        if (operator == address(0)) revert ZeroAddress();
        ChainInfo storage c = _chains[chainId];
        if (c.registered) revert ChainAlreadyRegistered(chainId);
        slot = chainCount;
        if (SHARED_DEPTH < 32 && uint256(slot) >= (uint256(1) << SHARED_DEPTH)) {
            revert RegistryFull(uint32(uint256(1) << SHARED_DEPTH));
        }
        chainCount = slot + 1;
        c.operator = operator;
        c.slot = slot;
        c.registered = true;
        chainIdAtSlot[slot] = chainId;
        emit ChainRegistered(chainId, slot, operator);
    }

    /// @notice A paused chain's batch roots are refused until it is resumed.
    function pauseChain(uint64 chainId) external onlyRole(CHAIN_MANAGER_ROLE) {
        ChainInfo storage c = _registered(chainId);
        if (c.paused) revert ChainIsPaused(chainId);
        c.paused = true;
        emit ChainPaused(chainId);
    }

    function resumeChain(uint64 chainId) external onlyRole(CHAIN_MANAGER_ROLE) {
        ChainInfo storage c = _registered(chainId);
        if (!c.paused) revert ChainNotPaused(chainId);
        c.paused = false;
        emit ChainResumed(chainId);
    }

    /// @notice Rotates the key that signs `chainId`'s batch roots; takes effect for the next submission.
    function setOperator(uint64 chainId, address operator) external onlyRole(CHAIN_MANAGER_ROLE) {
        if (operator == address(0)) revert ZeroAddress();
        ChainInfo storage c = _registered(chainId);
        address previous = c.operator;
        c.operator = operator;
        emit OperatorChanged(chainId, previous, operator);
    }

    function getChain(uint64 chainId) external view returns (ChainInfo memory) {
        return _chains[chainId];
    }

    // ---------------------------------------------------------------- shared roots

    /// @notice Settles the shared root of `newEpoch` (see the contract notice for the checks).
    /// @param newEpoch must be `epoch + 1`
    /// @param prevRoot must be the current shared root (the proof's first public signal)
    /// @param newRoot the proven new shared root (second public signal)
    /// @param updates 1..K batch roots, in the order the circuit applied them
    /// @param signatures one 65-byte EIP-712 signature per update, by the chain's operator
    /// @param proof the Groth16 proof over [prevRoot, newRoot, commitment(updates)]
    function submitRoot(
        uint64 newEpoch,
        bytes32 prevRoot,
        bytes32 newRoot,
        Update[] calldata updates,
        bytes[] calldata signatures,
        Groth16Proof calldata proof
    ) external onlyRole(SUBMITTER_ROLE) {
        if (newEpoch != epoch + 1) revert WrongEpoch(epoch + 1, newEpoch);
        if (prevRoot != sharedRoot) revert WrongPrevRoot(sharedRoot, prevRoot);
        uint256 n = updates.length;
        if (n == 0 || n > K) revert InvalidUpdateCount(n, K);
        if (signatures.length != n) revert SignatureCountMismatch(n, signatures.length);

        uint256 commitment = _applyUpdates(newEpoch, updates, signatures);
        _verifyProof(prevRoot, newRoot, commitment, proof);
        epoch = newEpoch;
        sharedRoot = newRoot;
        _roots[newEpoch] = newRoot;
        emit RootSubmitted(newEpoch, prevRoot, newRoot, n);
    }

    /// @dev Checks registration, pause, order and signature of each update, advances the chains' batch numbers,
    ///      emits BatchSettled and returns the updates commitment.
    function _applyUpdates(
        uint64 newEpoch,
        Update[] calldata updates,
        bytes[] calldata signatures
    ) private returns (uint256 commitment) {
        bytes32 domainSep = domainSeparator();
        for (uint256 i = 0; i < updates.length; ++i) {
            Update calldata u = updates[i];
            ChainInfo storage c = _chains[u.chainId];
            if (!c.registered) revert ChainNotRegistered(u.chainId);
            if (c.paused) revert ChainIsPaused(u.chainId);
            if (u.batchNumber != c.nextBatchNumber) revert NonConsecutiveBatch(u.chainId, c.nextBatchNumber, u.batchNumber);
            c.nextBatchNumber = u.batchNumber + 1;
            address signer = TypedData.recover(TypedData.digest(domainSep, TypedData.batchRootHash(u)), signatures[i]);
            if (signer == address(0) || signer != c.operator) revert InvalidSignature(i, u.chainId, signer);
            commitment = Commitment.step(commitment, c.slot, u.chainId, u.batchNumber, u.batchRoot);
            emit BatchSettled(u.chainId, u.batchNumber, u.batchRoot, newEpoch);
        }
    }

    function _verifyProof(bytes32 prevRoot, bytes32 newRoot, uint256 commitment, Groth16Proof calldata proof) private view {
        uint256[3] memory pub = [uint256(prevRoot), uint256(newRoot), commitment];
        if (!verifier.verifyProof(proof.a, proof.b, proof.c, pub)) revert InvalidProof();
    }

    /// @notice The shared root settled at `epoch_` (epoch 0 = genesis); zero for an epoch not reached yet.
    function rootAt(uint64 epoch_) external view returns (bytes32) {
        return _roots[epoch_];
    }

    /// @notice The commitment a proof must carry for `updates` with the current slots (what the hub feeds the prover).
    function updatesCommitment(Update[] calldata updates) external view returns (uint256 commitment) {
        for (uint256 i = 0; i < updates.length; ++i) {
            Update calldata u = updates[i];
            ChainInfo storage c = _chains[u.chainId];
            if (!c.registered) revert ChainNotRegistered(u.chainId);
            commitment = Commitment.step(commitment, c.slot, u.chainId, u.batchNumber, u.batchRoot);
        }
    }

    /// @notice EIP-712 domain separator {name "InteropHub", version "1", block.chainid, this}.
    function domainSeparator() public view returns (bytes32) {
        if (block.chainid == _cachedChainId) return _cachedDomainSeparator;
        return TypedData.domainSeparator(block.chainid, address(this));
    }

    /// @notice The digest an operator signs for `u` (EIP-712 `BatchRoot`).
    function batchRootDigest(Update calldata u) external view returns (bytes32) {
        return TypedData.digest(domainSeparator(), TypedData.batchRootHash(u));
    }

    function _registered(uint64 chainId) private view returns (ChainInfo storage c) {
        c = _chains[chainId];
        if (!c.registered) revert ChainNotRegistered(chainId);
    }
}
