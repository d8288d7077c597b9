import type { Hex } from 'viem';
import type { InteropMessage } from '../message/interopMessage';

/**
 * Proof that a message is under a shared root (SPEC "Inclusion proof").
 * Matches `struct InclusionProof` in contracts/src/interfaces/IInteropTypes.sol.
 */
export type InclusionProof = {
  /** The shared root's epoch (imported on the destination). */
  epoch: bigint;
  /** Message position in its batch. */
  leafIndex: number;
  /** BATCH_DEPTH keccak siblings. */
  batchPath: Hex[];
  batchNumber: bigint;
  /** CHAIN_DEPTH Poseidon siblings (batch leaf -> chain root). */
  chainPath: bigint[];
  /** Shared-tree slot of `message.srcChainId`. */
  slot: number;
  /** SHARED_DEPTH Poseidon siblings (chain leaf -> shared root). */
  sharedPath: bigint[];
};

/** ABI tuple of `InclusionProof`, in Solidity field order. */
export const inclusionProofAbiParameter = {
  type: 'tuple',
  name: 'proof',
  components: [
    { name: 'epoch', type: 'uint64' },
    { name: 'leafIndex', type: 'uint32' },
    { name: 'batchPath', type: 'bytes32[]' },
    { name: 'batchNumber', type: 'uint64' },
    { name: 'chainPath', type: 'uint256[]' },
    { name: 'slot', type: 'uint32' },
    { name: 'sharedPath', type: 'uint256[]' },
  ],
} as const;

/** Version byte of the v1 compact and JSON encodings. */
export const INCLUSION_PROOF_VERSION = 1;

/** A message with its inclusion proof: what the compact bytes and the JSON form carry. */
export type MessageWithProof = { message: InteropMessage; proof: InclusionProof };
