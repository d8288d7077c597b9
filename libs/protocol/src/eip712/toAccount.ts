import type { Hex, LocalAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

/** A viem local account from a private key, or the account itself. */
export function toLocalAccount(signer: Hex | LocalAccount): LocalAccount {
  return typeof signer === 'string' ? privateKeyToAccount(signer) : signer;
}
