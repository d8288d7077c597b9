import { hashDomain, hexToBytes, keccak256, stringToBytes, type Hex, type TypedDataDomain } from 'viem';

import type { BatchRootCommitment } from './types';

const BATCH_ROOT_TYPE =
  'BatchRoot(uint64 chainId,uint64 batchNumber,bytes32 batchRoot,bytes32 chainRoot,uint32 messageCount,uint64 firstBlock,uint64 lastBlock)';

/** secp256k1 n / 2: `InteropHub` refuses signatures with a larger s (their malleable twins). */
export const SECP256K1_HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/**
 * A function computing the EIP-712 digest of `BatchRoot` commitments for one domain: `keccak256("\x19\x01" ‖
 * domainSeparator ‖ structHash)`, the digest `TypedData.digest(domainSep, batchRootHash(u))` of InteropHub.sol and
 * `hashTypedData` of viem compute, without viem's generic typed-data walk (the domain separator and the type hash are
 * computed once; a digest is two keccaks over fixed-size buffers).
 *
 * @example
 * const digest = batchRootDigester(interopHubDomain(1n, hub));
 * digest(commitment); // Uint8Array(32), equal to hexToBytes(hashTypedData({ domain, types: batchRootTypes, ... }))
 */
export function batchRootDigester(
  domain: TypedDataDomain,
  /** keccak-256 to use (default viem's); a faster implementation gives the same digest. */
  keccak: (data: Uint8Array) => Uint8Array = (data) => keccak256(data, 'bytes'),
): (c: BatchRootCommitment) => Uint8Array {
  const typeHash = keccak(stringToBytes(BATCH_ROOT_TYPE));
  const { name, version, chainId, verifyingContract } = domain;
  if (name === undefined || version === undefined || chainId === undefined || verifyingContract === undefined) {
    throw new TypeError('the InteropHub domain has name, version, chainId and verifyingContract');
  }
  const separator = hexToBytes(
    hashDomain({
      domain: { name, version, chainId: BigInt(chainId), verifyingContract },
      types: {
        EIP712Domain: [
          { name: 'name', type: 'string' },
          { name: 'version', type: 'string' },
          { name: 'chainId', type: 'uint256' },
          { name: 'verifyingContract', type: 'address' },
        ],
      },
    }),
  );
  return (c) => {
    const struct = new Uint8Array(8 * 32);
    struct.set(typeHash, 0);
    putUint(struct, 32, c.chainId, 64);
    putUint(struct, 64, c.batchNumber, 64);
    struct.set(bytes32(c.batchRoot, 'batchRoot'), 96);
    struct.set(bytes32(c.chainRoot, 'chainRoot'), 128);
    putUint(struct, 160, BigInt(c.messageCount), 32);
    putUint(struct, 192, c.firstBlock, 64);
    putUint(struct, 224, c.lastBlock, 64);
    const message = new Uint8Array(66);
    message[0] = 0x19;
    message[1] = 0x01;
    message.set(separator, 2);
    message.set(keccak(struct), 34);
    return keccak(message);
  };
}

/**
 * The parts of a 65-byte signature `r ‖ s ‖ v` under the rules of `TypedData.recover` in InteropHub.sol: exactly
 * 65 bytes, v in {0, 1, 27, 28}, s at most n/2. Undefined when L1 would refuse the signature.
 *
 * @example
 * const parts = contractSignatureParts(sig); // { compact: Uint8Array(64), recovery: 0 | 1 } | undefined
 */
export function contractSignatureParts(signature: Hex): { compact: Uint8Array; recovery: 0 | 1 } | undefined {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) return undefined;
  const bytes = hexToBytes(signature);
  let v = bytes[64]!;
  if (v < 27) v += 27;
  if (v !== 27 && v !== 28) return undefined;
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  if (s > SECP256K1_HALF_ORDER) return undefined;
  return { compact: bytes.subarray(0, 64), recovery: v === 27 ? 0 : 1 };
}

function bytes32(hex: Hex, what: string): Uint8Array {
  const b = hexToBytes(hex);
  if (b.length !== 32) throw new RangeError(`${what} must be 32 bytes, got ${b.length}`);
  return b;
}

function putUint(target: Uint8Array, offset: number, value: bigint, bits: number): void {
  if (value < 0n || value >= 1n << BigInt(bits)) throw new RangeError(`${value} does not fit uint${bits}`);
  let v = value;
  for (let i = 31; i >= 0 && v > 0n; i--) {
    target[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}
