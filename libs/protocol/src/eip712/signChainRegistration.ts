import type { Hex, LocalAccount, TypedDataDomain } from 'viem';
import { SignatureError } from '../errors/signature';
import { toLocalAccount } from './toAccount';
import { chainRegistrationTypes, type ChainRegistration } from './types';

/**
 * Signs a chain registration (EIP-712 `ChainRegistration`, SPEC "EIP-712"). Mirrors the registration check in
 * contracts/src/InteropHub.sol.
 *
 * @throws {SignatureError} if the key or a field is invalid.
 *
 * @example
 * const sig = await signChainRegistration(operatorKey, domain, { chainId: 31337n, name: 'alpha', operator });
 */
export async function signChainRegistration(
  signer: Hex | LocalAccount,
  domain: TypedDataDomain,
  registration: ChainRegistration,
): Promise<Hex> {
  try {
    return await toLocalAccount(signer).signTypedData({
      domain,
      types: chainRegistrationTypes,
      primaryType: 'ChainRegistration',
      message: registration,
    });
  } catch (cause) {
    throw new SignatureError({
      details: cause instanceof Error ? cause.message.split('\n')[0]! : String(cause),
      cause,
    });
  }
}
