import { interopHubDomain, signBatchRoot, type BatchRootCommitment } from '@interop/protocol';
import type { Address, Hex, LocalAccount, TypedDataDomain } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import type { BatchSigner } from '../domain/ports';

/**
 * Signs batch roots with the chain operator's key over the EIP-712 domain of the L1 InteropHub (SPEC "EIP-712").
 * secp256k1 signing is deterministic (RFC 6979): the same batch always gets the same signature.
 */
export class OperatorSigner implements BatchSigner {
  private readonly account: LocalAccount;
  private readonly domain: TypedDataDomain;

  constructor(privateKey: Hex, l1ChainId: bigint, hub: Address) {
    this.account = privateKeyToAccount(privateKey);
    this.domain = interopHubDomain(l1ChainId, hub);
  }

  get address(): Address {
    return this.account.address;
  }

  sign(commitment: BatchRootCommitment): Promise<Hex> {
    return signBatchRoot(this.account, this.domain, commitment);
  }
}
