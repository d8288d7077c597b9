import { PoseidonT3, PoseidonT4, proxy } from 'poseidon-solidity';

/**
 * The poseidon-solidity libraries the contracts link against, at the addresses the package's deterministic
 * deployment (CREATE2 through the 0x4e59...956c proxy) gives them on every EVM chain. No PoseidonT6 since protocol
 * v2: L1 no longer hashes the epoch's updates (SPEC.md "Epoch data").
 */
export type PoseidonLibrary = { name: 'PoseidonT3' | 'PoseidonT4'; address: string; data: string };

export const poseidonLibraries: readonly PoseidonLibrary[] = [
  { name: 'PoseidonT3', address: PoseidonT3.address, data: PoseidonT3.data },
  { name: 'PoseidonT4', address: PoseidonT4.address, data: PoseidonT4.data },
];

/** Arachnid's deterministic deployment proxy and its keyless pre-signed deployment transaction. */
export const poseidonProxy: { from: string; gas: string; tx: string; address: string } = proxy;
