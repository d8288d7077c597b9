import { recoverTypedDataAddress, type Address, type Hex, type TypedDataDomain } from 'viem';
import { SignatureError } from '../errors/signature';
import { batchRootTypes, type BatchRootCommitment } from './types';

/**
 * Address that signed `commitment` (EIP-712 `BatchRoot`); compare it with the chain's registered operator.
 * Mirrors the `ecrecover` in `InteropHub.submitRoot` (contracts/src/InteropHub.sol).
 *
 * @throws {SignatureError} if the signature is malformed.
 *
 * @example
 * (await recoverBatchRootSigner(domain, commitment, sig)) === operator;
 */
export async function recoverBatchRootSigner(
  domain: TypedDataDomain,
  commitment: BatchRootCommitment,
  signature: Hex,
): Promise<Address> {
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
