// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title TypedData
/// @notice Mirrors libs/protocol's EIP-712 definitions (SPEC.md "EIP-712"): domain
///         {name "InteropHub", version "2", chainId, verifyingContract} and the BatchRoot / ChainRegistration types.
library TypedData {
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant BATCH_ROOT_TYPEHASH =
        keccak256(
            "BatchRoot(uint64 chainId,uint64 batchNumber,bytes32 batchRoot,bytes32 chainRoot,uint32 messageCount,uint64 firstBlock,uint64 lastBlock)"
        );
    bytes32 internal constant CHAIN_REGISTRATION_TYPEHASH =
        keccak256("ChainRegistration(uint64 chainId,string name,address operator)");
    bytes32 internal constant NAME_HASH = keccak256("InteropHub");
    /// @dev "2" since protocol v2 added `chainRoot` to BatchRoot: a v1 signature never verifies under v2.
    bytes32 internal constant VERSION_HASH = keccak256("2");

    /// @dev secp256k1 n / 2: signatures with a larger s are malleable twins and are refused.
    uint256 internal constant HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    error InvalidSignatureLength(uint256 length);
    error InvalidSignatureS(bytes32 s);
    error InvalidSignatureV(uint8 v);

    function domainSeparator(uint256 chainId, address verifyingContract) internal pure returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, chainId, verifyingContract));
    }

    /// @dev `chainRoot` is the chain tree's root after `batchNumber`: signing it authorizes batches 0..batchNumber.
    function batchRootHash(
        uint64 chainId,
        uint64 batchNumber,
        bytes32 batchRoot,
        bytes32 chainRoot,
        uint32 messageCount,
        uint64 firstBlock,
        uint64 lastBlock
    ) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    BATCH_ROOT_TYPEHASH,
                    chainId,
                    batchNumber,
                    batchRoot,
                    chainRoot,
                    messageCount,
                    firstBlock,
                    lastBlock
                )
            );
    }

    function chainRegistrationHash(
        uint64 chainId,
        string memory name,
        address operator
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(CHAIN_REGISTRATION_TYPEHASH, chainId, keccak256(bytes(name)), operator));
    }

    /// @dev The EIP-712 digest "\x19\x01" ‖ domainSeparator ‖ structHash.
    function digest(bytes32 domainSep, bytes32 structHash) internal pure returns (bytes32 d) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, hex"1901")
            mstore(add(ptr, 0x02), domainSep)
            mstore(add(ptr, 0x22), structHash)
            d := keccak256(ptr, 0x42)
        }
    }

    /// @dev ecrecover of a 65-byte (r ‖ s ‖ v) signature; refuses high s and v outside {27, 28} (0/1 accepted as
    ///      27/28). Returns address(0) when ecrecover fails; the caller compares against the expected signer.
    function recover(bytes32 d, bytes calldata sig) internal pure returns (address) {
        if (sig.length != 65) revert InvalidSignatureLength(sig.length);
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        if (v < 27) v += 27;
        if (v != 27 && v != 28) revert InvalidSignatureV(v);
        if (uint256(s) > HALF_ORDER) revert InvalidSignatureS(s);
        return ecrecover(d, v, r, s);
    }
}
