import type { Address, Hex } from 'viem';

/** EIP-712 types of a batch-root commitment signed by a chain operator. Mirrors `BATCH_ROOT_TYPEHASH` in InteropHub.sol. */
export const batchRootTypes = {
  BatchRoot: [
    { name: 'chainId', type: 'uint64' },
    { name: 'batchNumber', type: 'uint64' },
    { name: 'batchRoot', type: 'bytes32' },
    { name: 'chainRoot', type: 'bytes32' },
    { name: 'messageCount', type: 'uint32' },
    { name: 'firstBlock', type: 'uint64' },
    { name: 'lastBlock', type: 'uint64' },
  ],
} as const;

/** EIP-712 types of a chain registration. Mirrors `CHAIN_REGISTRATION_TYPEHASH` in InteropHub.sol. */
export const chainRegistrationTypes = {
  ChainRegistration: [
    { name: 'chainId', type: 'uint64' },
    { name: 'name', type: 'string' },
    { name: 'operator', type: 'address' },
  ],
} as const;

/** The signed content of a batch root (SPEC "EIP-712" `BatchRoot`). */
export type BatchRootCommitment = {
  chainId: bigint;
  batchNumber: bigint;
  batchRoot: Hex;
  /** The chain root after this batch (tree of batches 0..batchNumber), bytes32 of a canonical field element. */
  chainRoot: Hex;
  messageCount: number;
  firstBlock: bigint;
  lastBlock: bigint;
};

/** The signed content of a chain registration (SPEC "EIP-712" `ChainRegistration`). */
export type ChainRegistration = { chainId: bigint; name: string; operator: Address };
