import type { CircuitInput, Groth16Proof, PublicSignals } from '@interop/prover';

/** A proof of one epoch's aggregation step. */
export type EpochProof = { proof: Groth16Proof; publicSignals: PublicSignals; ms: number };

/** Proves epochs: in-process worker threads or remote prover workers over Kafka (PROVER_MODE). */
export interface ProofProvider {
  /** How many epochs it proves at once (the aggregator starts no more). */
  readonly capacity: number;
  /** Proves `epoch` with the circuit of shape `shape` (circuits/shapes/<shape>.json). */
  prove(epoch: bigint, shape: string, input: CircuitInput): Promise<EpochProof>;
  close(): Promise<void>;
}

/** Injection token of the configured {@link ProofProvider}. */
export const PROOF_PROVIDER = Symbol('PROOF_PROVIDER');
