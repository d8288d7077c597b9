import type { BatchRootCommitment } from '@interop/protocol';
import { batchRootDigester, contractSignatureParts } from '@interop/protocol/eip712/batchRootDigest';
import { keccak256 as jsSha3Keccak256 } from 'js-sha3';
import secp256k1 from 'secp256k1';
import type { Hex, TypedDataDomain } from 'viem';

/** keccak-256 of js-sha3 (about 3x faster here than the JS keccak viem bundles; same digest). */
function keccak(data: Uint8Array): Uint8Array {
  return new Uint8Array(jsSha3Keccak256.arrayBuffer(data));
}

/** Distinct public keys remembered with their address (operators are few; a bound keeps junk keys from piling up). */
const ADDRESS_CACHE_SIZE = 4096;

/**
 * Recovers the signer of batch roots with libsecp256k1 (the `secp256k1` package's prebuilt N-API binding, about
 * 40x faster than the JS recovery in viem; the package falls back to its JS implementation if the binding cannot
 * load). The digest is `batchRootDigester` of libs/protocol and the signature rules are those of InteropHub.sol
 * (65 bytes, v in {0,1,27,28}, low s), so a signature accepted here is one L1 accepts. The address of a recovered
 * public key is remembered, so a chain's records cost one digest and one recovery each.
 *
 * @example
 * const signer = new BatchRootSigner(interopHubDomain(900n, hub));
 * signer.recover(record, record.signature); // '0xabc…' (lowercase) or undefined if L1 would refuse it
 */
export class BatchRootSigner {
  private readonly digest: (c: BatchRootCommitment) => Uint8Array;
  private readonly addresses = new Map<string, Hex>();

  constructor(domain: TypedDataDomain) {
    this.digest = batchRootDigester(domain, keccak);
  }

  /** The lowercase signer address, or undefined when the signature is malformed or does not recover. */
  recover(commitment: BatchRootCommitment, signature: Hex): Hex | undefined {
    const parts = contractSignatureParts(signature);
    if (!parts) return undefined;
    let publicKey: Uint8Array;
    try {
      publicKey = secp256k1.ecdsaRecover(parts.compact, parts.recovery, this.digest(commitment), false);
    } catch {
      return undefined;
    }
    const key = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('hex');
    let address = this.addresses.get(key);
    if (address === undefined) {
      address = `0x${Buffer.from(keccak(publicKey.subarray(1)).subarray(12)).toString('hex')}`;
      if (this.addresses.size >= ADDRESS_CACHE_SIZE) this.addresses.clear();
      this.addresses.set(key, address);
    }
    return address;
  }
}
