import { recoverTypedDataAddress, type Address, type Hex, type TypedDataDomain } from 'viem';
import { SignatureError } from '../errors/signature';
import { contractSignatureParts } from './batchRootDigest';
import { batchRootTypes, type BatchRootCommitment } from './types';

/**
 * Address that signed `commitment` (EIP-712 `BatchRoot`); compare it with the chain's registered operator.
 * Mirrors the `ecrecover` in `InteropHub.submitRoot` (contracts/src/InteropHub.sol, `TypedData.recover`), including
 * its refusals: a signature that is not 65 bytes, has v outside {0, 1, 27, 28} or a high s (s > n/2, the malleable
 * twin of a valid signature) is rejected here as L1 and the hub reject it (`contractSignatureParts`), so a signer
 * recovered here is one L1 accepts.
 *
 * @throws {SignatureError} if the signature is malformed or L1 would refuse it.
 *
 * @example
 * (await recoverBatchRootSigner(domain, commitment, sig)) === operator;
 */
export async function recoverBatchRootSigner(
  domain: TypedDataDomain,
  commitment: BatchRootCommitment,
  signature: Hex,
): Promise<Address> {
  if (contractSignatureParts(signature) === undefined) {
    throw new SignatureError({ details: `${signature} is refused by L1: ${refusal(signature)}` });
  }
  try {
    return await recoverTypedDataAddress({
      domain,
      types: batchRootTypes,
      primaryType: 'BatchRoot',
      message: commitment,
      signature,
    });
  } catch (cause) {
    throw new SignatureError({
      details: cause instanceof Error ? cause.message.split('\n')[0]! : String(cause),
      cause,
    });
  }
}

/** Which rule of `contractSignatureParts` a refused signature breaks. */
function refusal(signature: Hex): string {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) return 'a signature is exactly 65 bytes (r ‖ s ‖ v)';
  const v = Number.parseInt(signature.slice(130, 132), 16);
  if (![0, 1, 27, 28].includes(v)) return `v must be 0, 1, 27 or 28, got ${v}`;
  return 's must be at most secp256k1 n/2 (low s)';
}
