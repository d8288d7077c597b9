import type { Address, TypedDataDomain } from 'viem';

/**
 * EIP-712 domain of the L1 `InteropHub` (SPEC "EIP-712"): `{ name: "InteropHub", version: "2", chainId,
 * verifyingContract }`. Mirrors the domain separator of contracts/src/InteropHub.sol.
 *
 * @example
 * const domain = interopHubDomain(1n, '0x5FbDB2315678afecb367f032d93F642f64180aa3');
 */
export function interopHubDomain(l1ChainId: bigint | number, hubAddress: Address): TypedDataDomain {
  return { name: 'InteropHub', version: '2', chainId: BigInt(l1ChainId), verifyingContract: hubAddress };
}
