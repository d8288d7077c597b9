import { recoverTypedDataAddress, type Address, type Hex, type TypedDataDomain } from 'viem';
import { SignatureError } from '../errors/signature';
import { chainRegistrationTypes, type ChainRegistration } from './types';

/**
 * Address that signed a chain registration (EIP-712 `ChainRegistration`). Mirrors contracts/src/InteropHub.sol.
 *
 * @throws {SignatureError} if the signature is malformed.
 *
 * @example
 * (await recoverChainRegistrationSigner(domain, registration, sig)) === registration.operator;
 */
export async function recoverChainRegistrationSigner(
  domain: TypedDataDomain,
  registration: ChainRegistration,
  signature: Hex,
): Promise<Address> {
  try {
    return await recoverTypedDataAddress({
      domain,
      types: chainRegistrationTypes,
      primaryType: 'ChainRegistration',
      message: registration,
      signature,
    });
  } catch (cause) {
    throw new SignatureError({
      details: cause instanceof Error ? cause.message.split('\n')[0]! : String(cause),
      cause,
    });
  }
}
