// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {GroupUpdate, Groth16Proof} from "./interfaces/IInteropTypes.sol";
import {IGroth16Verifier} from "./interfaces/IGroth16Verifier.sol";
import {Roles} from "./access/Roles.sol";
import {PoseidonMerkle} from "./libraries/PoseidonMerkle.sol";
import {TypedData} from "./libraries/TypedData.sol";

/// @title InteropHub (L1)
/// @notice Registry of the network's chains, of the epoch shapes (one Groth16 verifier each) and the settled chain
///         of shared roots (SPEC.md "L1 settlement"). Each `submitRoot` moves the shared root to a new one when:
///         every group's batches are the next ones of a registered, unpaused chain; each chain's last group in the
///         epoch carries its operator's EIP-712 `BatchRoot` signature over the chain root (which authorizes every
///         earlier batch of the chain); and the shape's verifier accepts a proof whose public signals bind the
///         circuit's data to exactly this calldata and the registered slots (SPEC.md "Epoch data": one keccak and a
///         Horner evaluation here instead of a Poseidon hash per batch). The groups are echoed in `ChainSettled`
///         events, so every chain tree and the shared tree can be rebuilt from L1 alone.
contract InteropHub is Roles {
    /// @dev May register chains, pause/resume them and change their operator.
    bytes32 public constant CHAIN_MANAGER_ROLE = keccak256("CHAIN_MANAGER_ROLE");
    /// @dev May submit proven shared roots (the hub app's L1 key).
    bytes32 public constant SUBMITTER_ROLE = keccak256("SUBMITTER_ROLE");
    /// @dev May add and retire epoch shapes (their verifiers).
    bytes32 public constant SHAPE_ADMIN_ROLE = keccak256("SHAPE_ADMIN_ROLE");

    uint256 private constant FIELD = PoseidonMerkle.FIELD;
    /// @dev A chain's record keeps its slot in 24 bits (see ChainRecord), so at most 2^24 chains.
    uint8 private constant MAX_SHARED_DEPTH = 24;
    /// @dev Batch numbers are uint64.
    uint8 private constant MAX_CHAIN_DEPTH = 64;

    /// @dev A chain as `getChain` returns it.
    struct ChainInfo {
        address operator;
        uint32 slot;
        bool registered;
        bool paused;
        uint64 nextBatchNumber;
    }

    /// @dev An epoch shape: `groups` groups of `groupSize` batches, proven by `verifier`.
    struct Shape {
        IGroth16Verifier verifier;
        uint16 groups;
        uint16 groupSize;
        bool active;
    }

    /// @dev One storage word per chain (20 + 8 + 3 + 1 bytes), so `submitRoot` reads and writes each chain once.
    ///      `operator` is never zero for a registered chain (registerChain and setOperator refuse it), so it doubles
    ///      as the "registered" flag.
    struct ChainRecord {
        address operator;
        uint64 nextBatchNumber;
        uint24 slot;
        bool paused;
    }

    /// @dev A chain met in the epoch being settled: its record (read once) and its last group so far.
    struct EpochChain {
        uint64 chainId;
        uint64 nextBatchNumber;
        uint24 slot;
        address operator;
        uint256 lastGroup;
    }

    /// @dev Depth of the shared tree: at most 2^SHARED_DEPTH chains.
    uint8 public immutable SHARED_DEPTH;
    /// @dev Depth of every chain tree: at most 2^CHAIN_DEPTH batches per chain.
    uint8 public immutable CHAIN_DEPTH;
    /// @dev Zs(SHARED_DEPTH), the shared root of epoch 0.
    bytes32 public immutable GENESIS_ROOT;

    uint256 private immutable _cachedChainId;
    bytes32 private immutable _cachedDomainSeparator;

    uint64 public epoch;
    uint32 public chainCount;

    mapping(uint64 chainId => ChainRecord) private _chains;
    mapping(uint32 slot => uint64 chainId) public chainIdAtSlot;
    mapping(uint64 epoch => bytes32 root) private _roots;
    mapping(uint32 shapeId => Shape) private _shapes;
    uint32[] private _activeShapeIds;

    event ChainRegistered(uint64 indexed chainId, uint32 slot, address operator);
    event ChainPaused(uint64 indexed chainId);
    event ChainResumed(uint64 indexed chainId);
    event OperatorChanged(uint64 indexed chainId, address previousOperator, address newOperator);
    event ShapeAdded(uint32 indexed shapeId, uint16 groups, uint16 groupSize, address verifier);
    event ShapeRetired(uint32 indexed shapeId, address verifier);
    /// @dev One per group, in calldata order: enough to rebuild the chain tree (leaves firstBatch..) and to check
    ///      its root.
    event ChainSettled(
        uint64 indexed chainId,
        uint64 indexed epoch,
        uint64 firstBatch,
        bytes32 chainRoot,
        bytes32[] batchRoots
    );
    event RootSubmitted(uint64 indexed epoch, bytes32 prevRoot, bytes32 newRoot, uint256 batchCount, uint32 shapeId);

    error InvalidConfig();
    error InvalidChainId(uint64 chainId);
    error ChainAlreadyRegistered(uint64 chainId);
    error ChainNotRegistered(uint64 chainId);
    error ChainIsPaused(uint64 chainId);
    error ChainNotPaused(uint64 chainId);
    error RegistryFull(uint32 capacity);
    error InvalidShape(uint16 groups, uint16 groupSize);
    error VerifierHasNoCode(address verifier);
    error ShapeAlreadyActive(uint32 shapeId);
    error ShapeNotActive(uint32 shapeId);
    error WrongEpoch(uint64 expected, uint64 provided);
    error WrongPrevRoot(bytes32 expected, bytes32 provided);
    error InvalidGroupCount(uint256 count, uint256 max);
    error NonCanonicalFieldElement(uint256 value);
    error InvalidBatchCount(uint256 group, uint256 count, uint256 max);
    error NonConsecutiveBatch(uint64 chainId, uint64 expected, uint64 provided);
    error GroupCrossesBlock(uint256 group, uint64 firstBatch, uint256 count, uint256 groupSize);
    error InvalidSignature(uint256 group, uint64 chainId, address recovered);
    error UnexpectedSignature(uint256 group);
    error InvalidProof();

    /// @param admin gets DEFAULT_ADMIN_ROLE, CHAIN_MANAGER_ROLE, SUBMITTER_ROLE and SHAPE_ADMIN_ROLE (it can hand
    ///        them out after)
    /// @param sharedDepth the network's SHARED_DEPTH (1..24)
    /// @param chainDepth the network's CHAIN_DEPTH (1..64)
    constructor(address admin, uint8 sharedDepth, uint8 chainDepth) Roles(admin) {
        if (sharedDepth == 0 || sharedDepth > MAX_SHARED_DEPTH || chainDepth == 0 || chainDepth > MAX_CHAIN_DEPTH) {
            revert InvalidConfig();
        }
        SHARED_DEPTH = sharedDepth;
        CHAIN_DEPTH = chainDepth;
        bytes32 genesis = bytes32(PoseidonMerkle.zeroRoot(sharedDepth));
        GENESIS_ROOT = genesis;
        _roots[0] = genesis;
        _cachedChainId = block.chainid;
        _cachedDomainSeparator = TypedData.domainSeparator(block.chainid, address(this));
        _grantRole(CHAIN_MANAGER_ROLE, admin);
        _grantRole(SUBMITTER_ROLE, admin);
        _grantRole(SHAPE_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- chain registry

    /// @notice Registers `chainId` in the next free shared-tree slot. The slot stays empty (0) until the chain's
    ///         first batch is aggregated, so registering does not change the shared root.
    function registerChain(uint64 chainId, address operator) external onlyRole(CHAIN_MANAGER_ROLE) returns (uint32 slot) {
        if (chainId == 0) revert InvalidChainId(chainId);
        if (operator == address(0)) revert ZeroAddress();
        ChainRecord storage c = _chains[chainId];
        if (c.operator != address(0)) revert ChainAlreadyRegistered(chainId);
        slot = chainCount;
        if (uint256(slot) >= (uint256(1) << SHARED_DEPTH)) revert RegistryFull(uint32(uint256(1) << SHARED_DEPTH));
        chainCount = slot + 1;
        c.operator = operator;
        c.slot = uint24(slot);
        chainIdAtSlot[slot] = chainId;
        emit ChainRegistered(chainId, slot, operator);
    }

    /// @notice A paused chain's batch roots are refused until it is resumed.
    function pauseChain(uint64 chainId) external onlyRole(CHAIN_MANAGER_ROLE) {
        ChainRecord storage c = _registered(chainId);
        if (c.paused) revert ChainIsPaused(chainId);
        c.paused = true;
        emit ChainPaused(chainId);
    }

    function resumeChain(uint64 chainId) external onlyRole(CHAIN_MANAGER_ROLE) {
        ChainRecord storage c = _registered(chainId);
        if (!c.paused) revert ChainNotPaused(chainId);
        c.paused = false;
        emit ChainResumed(chainId);
    }

    /// @notice Rotates the key that signs `chainId`'s batch roots; takes effect for the next submission.
    function setOperator(uint64 chainId, address operator) external onlyRole(CHAIN_MANAGER_ROLE) {
        if (operator == address(0)) revert ZeroAddress();
        ChainRecord storage c = _registered(chainId);
        address previous = c.operator;
        c.operator = operator;
        emit OperatorChanged(chainId, previous, operator);
    }

    function getChain(uint64 chainId) external view returns (ChainInfo memory) {
        ChainRecord memory c = _chains[chainId];
        return ChainInfo(c.operator, c.slot, c.operator != address(0), c.paused, c.nextBatchNumber);
    }

    // ---------------------------------------------------------------- epoch shapes

    /// @notice The L1 id of the shape with `groups` groups of `groupSize` batches: groups * 2^16 + groupSize.
    function shapeIdOf(uint16 groups, uint16 groupSize) public pure returns (uint32) {
        return (uint32(groups) << 16) | uint32(groupSize);
    }

    /// @notice Activates the shape (groups x groupSize) with its circuit's verifier. A retired shape can be added
    ///         again (e.g. with a verifier of new keys); an active one must be retired first.
    function addShape(
        uint16 groups,
        uint16 groupSize,
        IGroth16Verifier verifier
    ) external onlyRole(SHAPE_ADMIN_ROLE) returns (uint32 shapeId) {
        // groupSize >= 2: the circuit has no groups of 1; <= 2^CHAIN_DEPTH: an aligned block must fit the chain tree.
        bool powerOfTwo = groupSize >= 2 && (groupSize & (groupSize - 1)) == 0;
        if (groups == 0 || !powerOfTwo || uint256(groupSize) > (uint256(1) << CHAIN_DEPTH)) {
            revert InvalidShape(groups, groupSize);
        }
        if (address(verifier).code.length == 0) revert VerifierHasNoCode(address(verifier));
        shapeId = shapeIdOf(groups, groupSize);
        if (_shapes[shapeId].active) revert ShapeAlreadyActive(shapeId);
        _shapes[shapeId] = Shape(verifier, groups, groupSize, true);
        _activeShapeIds.push(shapeId);
        emit ShapeAdded(shapeId, groups, groupSize, address(verifier));
    }

    /// @notice Stops accepting epochs of `shapeId` (settled epochs stay settled).
    function retireShape(uint32 shapeId) external onlyRole(SHAPE_ADMIN_ROLE) {
        Shape storage s = _shapes[shapeId];
        if (!s.active) revert ShapeNotActive(shapeId);
        s.active = false;
        // A handful of shapes: a linear search, then swap with the last and pop.
        uint256 n = _activeShapeIds.length;
        for (uint256 i = 0; i < n; ++i) {
            if (_activeShapeIds[i] == shapeId) {
                _activeShapeIds[i] = _activeShapeIds[n - 1];
                _activeShapeIds.pop();
                break;
            }
        }
        emit ShapeRetired(shapeId, address(s.verifier));
    }

    /// @notice The shape `shapeId` (its last verifier if retired; all zero if never added).
    function getShape(uint32 shapeId) external view returns (Shape memory) {
        return _shapes[shapeId];
    }

    /// @notice Every active shape id (unordered), so the hub learns what it may prove with one call.
    function activeShapeIds() external view returns (uint32[] memory) {
        return _activeShapeIds;
    }

    // ---------------------------------------------------------------- shared roots

    /// @notice Settles the shared root of `newEpoch` (SPEC.md "L1 settlement"; checks in its order).
    /// @param newEpoch must be `epoch + 1`
    /// @param shapeId an active shape; its verifier checks the proof
    /// @param prevRoot must be the current shared root
    /// @param newRoot the proven new shared root
    /// @param dataCommitment the circuit's Poseidon commitment to its epoch data (first public signal)
    /// @param groups 1..G groups of 1..M batches, in the order the circuit applied them
    /// @param proof the Groth16 proof over [dataCommitment, challenge, evaluation]
    function submitRoot(
        uint64 newEpoch,
        uint32 shapeId,
        bytes32 prevRoot,
        bytes32 newRoot,
        uint256 dataCommitment,
        GroupUpdate[] calldata groups,
        Groth16Proof calldata proof
    ) external onlyRole(SUBMITTER_ROLE) {
        _checkEpochAndRoot(newEpoch, prevRoot);
        Shape memory shape = _shapes[shapeId];
        if (!shape.active) revert ShapeNotActive(shapeId);
        _checkGroupCountAndRoots(shape.groups, newRoot, dataCommitment, groups);

        uint256[] memory words = _newEpochData(shape.groups, shape.groupSize, dataCommitment, prevRoot, newRoot);
        uint256 batchCount = _settleGroups(newEpoch, shape.groupSize, groups, words);
        _verifyProof(shape.verifier, words, proof);

        epoch = newEpoch;
        _roots[newEpoch] = newRoot;
        emit RootSubmitted(newEpoch, prevRoot, newRoot, batchCount, shapeId);
    }

    /// @notice The current shared root: that of the last settled epoch (kept once, in the history).
    function sharedRoot() external view returns (bytes32) {
        return _roots[epoch];
    }

    /// @notice The shared root settled at `epoch_` (epoch 0 = genesis); zero for an epoch not reached yet.
    function rootAt(uint64 epoch_) external view returns (bytes32) {
        return _roots[epoch_];
    }

    /// @notice The challenge and evaluation `submitRoot` would pass to the verifier of `shapeId` for these groups,
    ///         with the chains' registered slots (the hub's cross-check of what it proves). The shape need not be
    ///         added (its size comes from the id); no state is checked (epoch, roots, batch numbers, signatures).
    function epochPublicSignals(
        uint32 shapeId,
        bytes32 prevRoot,
        bytes32 newRoot,
        uint256 dataCommitment,
        GroupUpdate[] calldata groups
    ) external view returns (uint256 challenge, uint256 evaluation) {
        uint16 g = uint16(shapeId >> 16);
        uint16 m = uint16(shapeId);
        if (g == 0 || m < 2 || (m & (m - 1)) != 0) revert InvalidShape(g, m);
        _checkGroupCountAndRoots(g, newRoot, dataCommitment, groups);
        _canonical(uint256(prevRoot));
        uint256[] memory words = _newEpochData(g, m, dataCommitment, prevRoot, newRoot);
        for (uint256 i = 0; i < groups.length; ++i) {
            GroupUpdate calldata group = groups[i];
            ChainRecord storage c = _registered(group.chainId);
            uint256 count = group.batchRoots.length;
            _checkCount(i, count, m);
            _checkBlock(i, group.firstBatch, count, m);
            _writeGroup(words, i, m, c.slot, group, count);
        }
        return _challengeAndEvaluation(words);
    }

    /// @notice EIP-712 domain separator {name "InteropHub", version "2", block.chainid, this}.
    function domainSeparator() public view returns (bytes32) {
        if (block.chainid == _cachedChainId) return _cachedDomainSeparator;
        return TypedData.domainSeparator(block.chainid, address(this));
    }

    /// @notice The digest an operator signs for a batch (EIP-712 `BatchRoot`); `chainRoot` is the root after it.
    function batchRootDigest(
        uint64 chainId,
        uint64 batchNumber,
        bytes32 batchRoot,
        bytes32 chainRoot,
        uint32 messageCount,
        uint64 firstBlock,
        uint64 lastBlock
    ) external view returns (bytes32) {
        return
            TypedData.digest(
                domainSeparator(),
                TypedData.batchRootHash(chainId, batchNumber, batchRoot, chainRoot, messageCount, firstBlock, lastBlock)
            );
    }

    // ---------------------------------------------------------------- internals of submitRoot

    /// @dev `newEpoch` follows the current epoch and `prevRoot` is its root.
    function _checkEpochAndRoot(uint64 newEpoch, bytes32 prevRoot) private view {
        uint64 current = epoch;
        if (newEpoch != current + 1) revert WrongEpoch(current + 1, newEpoch);
        bytes32 currentRoot = _roots[current];
        if (prevRoot != currentRoot) revert WrongPrevRoot(currentRoot, prevRoot);
    }

    /// @dev 1..G groups; newRoot, every chainRoot and dataCommitment canonical: a value >= r would be a second
    ///      bytes32 spelling of the same field element the proof is about.
    function _checkGroupCountAndRoots(
        uint256 maxGroups,
        bytes32 newRoot,
        uint256 dataCommitment,
        GroupUpdate[] calldata groups
    ) private pure {
        uint256 n = groups.length;
        if (n == 0 || n > maxGroups) revert InvalidGroupCount(n, maxGroups);
        _canonical(uint256(newRoot));
        _canonical(dataCommitment);
        for (uint256 i = 0; i < n; ++i) _canonical(uint256(groups[i].chainRoot));
    }

    /// @dev Per group in order: registered and not paused, 1..M batches, the chain's next batch number, inside one
    ///      aligned block; writes the group into the epoch data and emits ChainSettled. Then, per chain, the
    ///      signature of its last group and its new batch number (one storage read and write per chain).
    ///      Returns the number of batches.
    function _settleGroups(
        uint64 newEpoch,
        uint256 m,
        GroupUpdate[] calldata groups,
        uint256[] memory words
    ) private returns (uint256 batchCount) {
        uint256 n = groups.length;
        EpochChain[] memory chains = new EpochChain[](n);
        uint256 chainsSeen = 0;
        for (uint256 i = 0; i < n; ++i) {
            uint64 chainId = groups[i].chainId;
            EpochChain memory c = _epochChain(chains, chainsSeen, chainId);
            if (c.chainId == 0) {
                c = _loadChain(chainId, i);
                chains[chainsSeen++] = c;
            } else {
                // A later group of the chain follows the earlier one, so that one is not the last: the last
                // group's signature over the chain root covers its batches, and it must carry none.
                if (groups[c.lastGroup].signature.length != 0) revert UnexpectedSignature(c.lastGroup);
                c.lastGroup = i;
            }
            batchCount += _settleGroup(newEpoch, m, i, groups[i], c, words);
        }
        bytes32 domainSep = domainSeparator();
        for (uint256 k = 0; k < chainsSeen; ++k) {
            EpochChain memory c = chains[k];
            _checkSignature(domainSep, c, groups[c.lastGroup]);
            _chains[c.chainId].nextBatchNumber = c.nextBatchNumber;
        }
    }

    /// @dev One group of chain `c`: 1..M batches from the chain's next batch number, inside one aligned block.
    function _settleGroup(
        uint64 newEpoch,
        uint256 m,
        uint256 i,
        GroupUpdate calldata group,
        EpochChain memory c,
        uint256[] memory words
    ) private returns (uint256 count) {
        count = group.batchRoots.length;
        uint64 firstBatch = group.firstBatch;
        _checkCount(i, count, m);
        if (firstBatch != c.nextBatchNumber) revert NonConsecutiveBatch(c.chainId, c.nextBatchNumber, firstBatch);
        _checkBlock(i, firstBatch, count, m);
        c.nextBatchNumber = firstBatch + uint64(count);
        _writeGroup(words, i, m, c.slot, group, count);
        emit ChainSettled(c.chainId, newEpoch, firstBatch, group.chainRoot, group.batchRoots);
    }

    /// @dev The chain's entry among the first `seen` of the epoch, or an empty one (chainId 0 is never registered).
    function _epochChain(
        EpochChain[] memory chains,
        uint256 seen,
        uint64 chainId
    ) private pure returns (EpochChain memory c) {
        for (uint256 k = 0; k < seen; ++k) {
            if (chains[k].chainId == chainId) return chains[k];
        }
    }

    function _loadChain(uint64 chainId, uint256 group) private view returns (EpochChain memory) {
        ChainRecord memory r = _chains[chainId];
        if (r.operator == address(0)) revert ChainNotRegistered(chainId);
        if (r.paused) revert ChainIsPaused(chainId);
        return EpochChain(chainId, r.nextBatchNumber, r.slot, r.operator, group);
    }

    /// @dev 1..M batches: a group fills at most its M data slots.
    function _checkCount(uint256 group, uint256 count, uint256 m) private pure {
        if (count == 0 || count > m) revert InvalidBatchCount(group, count, m);
    }

    /// @dev A group's batches sit in ONE aligned block [b*M, b*M + M) of the chain tree (the circuit rebuilds one
    ///      block subtree per group).
    function _checkBlock(uint256 group, uint64 firstBatch, uint256 count, uint256 m) private pure {
        if ((uint256(firstBatch) % m) + count > m) revert GroupCrossesBlock(group, firstBatch, count, m);
    }

    /// @dev The chain's last group must be signed by its operator over (its last batch, the chain root after it).
    function _checkSignature(bytes32 domainSep, EpochChain memory c, GroupUpdate calldata group) private pure {
        bytes calldata signature = group.signature;
        if (signature.length == 0) revert InvalidSignature(c.lastGroup, c.chainId, address(0));
        uint256 last = group.batchRoots.length - 1;
        bytes32 structHash = TypedData.batchRootHash(
            c.chainId,
            group.firstBatch + uint64(last),
            group.batchRoots[last],
            group.chainRoot,
            group.messageCount,
            group.firstBlock,
            group.lastBlock
        );
        address signer = TypedData.recover(TypedData.digest(domainSep, structHash), signature);
        if (signer == address(0) || signer != c.operator) revert InvalidSignature(c.lastGroup, c.chainId, signer);
    }

    /// @dev The shape's verifier must accept [dataCommitment, challenge, evaluation] for the epoch data `words`.
    function _verifyProof(IGroth16Verifier verifier, uint256[] memory words, Groth16Proof calldata proof) private view {
        (uint256 challenge, uint256 evaluation) = _challengeAndEvaluation(words);
        if (!verifier.verifyProof(proof.a, proof.b, proof.c, [words[0], challenge, evaluation])) revert InvalidProof();
    }

    // ---------------------------------------------------------------- epoch data (SPEC.md "Epoch data")

    /// @dev [dataCommitment, D[0..N-1]] with N = 2 + G * (M + 2): the challenge hashes exactly these words, so they
    ///      are laid out contiguously. D[0] = oldRoot, D[1] = newRoot; groups are written by _writeGroup, and the
    ///      rest (empty groups, padding) stays 0 as allocated.
    function _newEpochData(
        uint256 g,
        uint256 m,
        uint256 dataCommitment,
        bytes32 prevRoot,
        bytes32 newRoot
    ) private pure returns (uint256[] memory words) {
        words = new uint256[](3 + g * (m + 2));
        words[0] = dataCommitment;
        words[1] = uint256(prevRoot);
        words[2] = uint256(newRoot);
    }

    /// @dev Group i at D[2 + i*(M+2)]: header(slot, chainId, firstBatch, count), chainRoot, toField(batchRoot_j).
    ///      The slot is the registered one, never calldata: a proof about another slot yields other data.
    function _writeGroup(
        uint256[] memory words,
        uint256 i,
        uint256 m,
        uint24 slot,
        GroupUpdate calldata group,
        uint256 count
    ) private pure {
        uint256 base = 3 + i * (m + 2);
        // count < 2^32 (<= M < 2^16), firstBatch and chainId < 2^64, slot < 2^24: the packing is injective.
        words[base] =
            count |
            (uint256(group.firstBatch) << 32) |
            (uint256(group.chainId) << 96) |
            (uint256(slot) << 160);
        words[base + 1] = uint256(group.chainRoot);
        bytes32[] calldata roots = group.batchRoots;
        uint256 field = FIELD;
        // words[base + 2 + j] = toField(roots[j]) for j < count. The hot loop of an epoch (one pass per batch root),
        // so without Solidity's per-element bounds checks: count <= M was checked, which keeps it inside `words`
        // (allocated with M slots per group) and `roots` (count is its length).
        assembly ("memory-safe") {
            let dst := add(words, shl(5, add(base, 3)))
            let src := roots.offset
            for {
                let j := 0
            } lt(j, count) {
                j := add(j, 1)
            } {
                mstore(add(dst, shl(5, j)), mod(calldataload(add(src, shl(5, j))), field))
            }
        }
    }

    /// @dev challenge = keccak256(dataCommitment ‖ D) mod r; evaluation = sum D[i] * challenge^i mod r (Horner).
    function _challengeAndEvaluation(
        uint256[] memory words
    ) private pure returns (uint256 challenge, uint256 evaluation) {
        uint256 field = FIELD;
        assembly ("memory-safe") {
            // The words are contiguous after the array length: hash them in place (abi.encodePacked would copy).
            let start := add(words, 0x20)
            challenge := mod(keccak256(start, shl(5, mload(words))), field)
            // Horner from the last word down to words[1] = D[0] (words[0] is the commitment, not data).
            for {
                let p := add(words, shl(5, mload(words)))
            } gt(p, start) {
                p := sub(p, 0x20)
            } {
                evaluation := addmod(mulmod(evaluation, challenge, field), mload(p), field)
            }
        }
    }

    function _canonical(uint256 value) private pure {
        if (value >= FIELD) revert NonCanonicalFieldElement(value);
    }

    function _registered(uint64 chainId) private view returns (ChainRecord storage c) {
        c = _chains[chainId];
        if (c.operator == address(0)) revert ChainNotRegistered(chainId);
    }
}
