import type { Hex, LocalAccount, TypedDataDomain } from 'viem';
import { SignatureError } from '../errors/signature';
import { toLocalAccount } from './toAccount';
import { batchRootTypes, type BatchRootCommitment } from './types';

/**
 * Signs a batch root as the chain's operator (EIP-712 `BatchRoot`, SPEC "EIP-712"). Mirrors the `BatchRoot` typed data of contracts/src/InteropHub.sol:
 * L1 `InteropHub.submitRoot` recovers the signer with `ecrecover` over the same digest.
 *
 * @param signer - the operator's private key or a viem `LocalAccount`.
 * @throws {SignatureError} if the key or a field is invalid.
 *
 * @example
 * const sig = await signBatchRoot(operatorKey, interopHubDomain(1n, hub), commitment);
 */
export async function signBatchRoot(
  signer: Hex | LocalAccount,
  domain: TypedDataDomain,
  commitment: BatchRootCommitment,
): Promise<Hex> {
  try {
    return await toLocalAccount(signer).signTypedData({
      domain,
      types: batchRootTypes,
      primaryType: 'BatchRoot',
      message: commitment,
    });
  } catch (cause) {
    throw new SignatureError({
      details: cause instanceof Error ? cause.message.split('\n')[0]! : String(cause),
      cause,
    });
  }
}
