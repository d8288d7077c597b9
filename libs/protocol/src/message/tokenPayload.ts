import type { Address } from 'viem';

/** The payload of a TOKEN message (SPEC "InteropMessage"): what the destination needs to mint a bridged token. */
export type TokenPayload = {
  originChainId: bigint;
  originVault: Address;
  originToken: Address;
  name: string;
  symbol: string;
  decimals: number;
};

/** ABI parameters of the token payload, in order. Mirrors `NativeTokenVault` in contracts/src. */
export const tokenPayloadAbiParameters = [
  { name: 'originChainId', type: 'uint256' },
  { name: 'originVault', type: 'address' },
  { name: 'originToken', type: 'address' },
  { name: 'name', type: 'string' },
  { name: 'symbol', type: 'string' },
  { name: 'decimals', type: 'uint8' },
] as const;
