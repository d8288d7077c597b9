// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev Matches SPEC.md "InteropMessage" field for field; `messageLeaf = keccak256(abi.encode(m))` is also the id.
struct InteropMessage {
    uint64 srcChainId;
    uint64 dstChainId;
    uint64 nonce; // per (srcChainId, sender), starts at 0
    address sender;
    address recipient;
    uint8 kind; // MessageKind: 0 = CALL, 1 = TOKEN
    bytes payload; // CALL: calldata for recipient; TOKEN: abi.encode(originChainId, originVault, originToken, name, symbol, decimals)
    bytes32 assetId; // TOKEN only, else 0
    uint256 amount; // TOKEN only, else 0
    uint256 fee; // paid on the source chain, in its native coin (wei)
    uint64 gasLimit; // gas the destination call may use
}

/// @dev Matches SPEC.md "Inclusion proof" (message -> batch root -> chain root -> shared root).
struct InclusionProof {
    uint64 epoch;
    uint32 leafIndex;
    bytes32[] batchPath;
    uint64 batchNumber;
    uint256[] chainPath;
    uint32 slot;
    uint256[] sharedPath;
}

/// @dev The `kind` values of InteropMessage (kept as uint8 in the struct so the encoding is the SPEC's).
enum MessageKind {
    CALL,
    TOKEN
}

/// @dev One group of an epoch (SPEC.md "L1 settlement"): ONE chain's consecutive batches `firstBatch ..
///      firstBatch + batchRoots.length - 1` inside one aligned block of the shape's group size, and the chain root
///      after the last of them. `messageCount`, `firstBlock`, `lastBlock` are the signed metadata of that last batch
///      and `signature` the operator's EIP-712 `BatchRoot` signature over it, present only on the chain's LAST group
///      of the epoch (empty on its earlier groups, whose metadata is ignored).
struct GroupUpdate {
    uint64 chainId;
    uint64 firstBatch;
    bytes32 chainRoot;
    uint32 messageCount;
    uint64 firstBlock;
    uint64 lastBlock;
    bytes32[] batchRoots;
    bytes signature;
}

/// @dev A Groth16 proof in the layout of snarkjs's generated verifier (`b` already in EVM pairing order).
struct Groth16Proof {
    uint256[2] a;
    uint256[2][2] b;
    uint256[2] c;
}

/// @dev Per-destination fee parameters of SPEC.md "Interop fee".
struct FeeParams {
    uint256 baseFee;
    uint256 perByteFee;
    uint256 dstGasPrice;
    uint256 exchangeRateE18;
}
