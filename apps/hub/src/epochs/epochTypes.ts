import { settledUpdateToJson, type SettledUpdate, type Update } from '@interop/protocol';
import type { Hex } from 'viem';

/**
 * One update of an epoch as stored (Epoch.updates JSON): the batch, the chain root after it and the operator's
 * signature over both (SPEC "EIP-712"; L1 checks the signature of each chain's last group).
 */
export type EpochUpdate = SettledUpdate & { signature: Hex };

export type EpochStatus = 'created' | 'proving' | 'proved' | 'submitted' | 'settled' | 'failed';

/** An epoch row as the services use it. */
export type EpochRecord = {
  number: bigint;
  prevRoot: Hex;
  root: Hex;
  /** L1 id of the epoch shape (SPEC "Epoch shape"). */
  shapeId: number;
  /** The epoch data commitment, the proof's first public signal (bytes32). */
  dataCommitment: Hex;
  updates: EpochUpdate[];
  status: EpochStatus;
  proof: unknown;
  publicSignals: string[] | null;
  circuitInput: unknown;
  l1TxHash: Hex | null;
  l1Block: bigint | null;
  gasUsed: bigint | null;
  provingMs: number | null;
  lastError: string | null;
  createdAt: Date;
  settledAt: Date | null;
  publishedAt: Date | null;
};

/** A received batch waiting for an epoch, with its chain's slot. */
export type WaitingBatch = Omit<EpochUpdate, 'slot'> & { id: bigint; slot: number };

/** The circuit-level part of an update. */
export function toProtocolUpdate(u: EpochUpdate): Update {
  return { slot: u.slot, chainId: u.chainId, batchNumber: u.batchNumber, batchRoot: u.batchRoot };
}

/** JSON form of an update (integers as decimal strings). */
export function updateToJson(u: EpochUpdate): Record<string, string | number> {
  return { ...settledUpdateToJson(u), signature: u.signature };
}

/** Inverse of {@link updateToJson}. */
export function updateFromJson(j: unknown): EpochUpdate {
  const o = j as Record<string, string | number>;
  return {
    slot: Number(o.slot),
    chainId: BigInt(o.chainId!),
    batchNumber: BigInt(o.batchNumber!),
    batchRoot: o.batchRoot as Hex,
    chainRoot: o.chainRoot as Hex,
    messageCount: Number(o.messageCount),
    firstBlock: BigInt(o.firstBlock!),
    lastBlock: BigInt(o.lastBlock!),
    signature: o.signature as Hex,
  };
}
