import type { SnarkjsProof } from 'snarkjs';

/** A Groth16 proof as snarkjs writes it (decimal strings, projective coordinates). */
export type Groth16Proof = SnarkjsProof;

/** Public signals of the aggregation circuit, decimal strings: `[dataCommitment, challenge, evaluation]`. */
export type PublicSignals = string[];

/** The snarkjs verification key JSON (circuits/keys/<instance>.vkey.json). */
export type VerificationKey = { protocol: string; curve: string; nPublic: number } & Record<string, unknown>;

/** Input object of the aggregation circuit (one entry per group; 2-D arrays are [group][slot or level]). */
export type CircuitInput = {
  dataCommitment: string;
  challenge: string;
  evaluation: string;
  oldRoot: string;
  enabled: string[][];
  slot: string[];
  chainId: string[];
  firstBatch: string[];
  batchRootField: string[][];
  lowSiblings: string[][];
  upperSiblings: string[][];
  sharedSiblings: string[][];
};

/** What a proof run returns. */
export type ProofResult = { proof: Groth16Proof; publicSignals: PublicSignals };

/**
 * An epoch shape's circuit (circuits/shapes/<name>.json, SPEC "Epoch shape"): `groups` groups of `groupSize` update
 * slots (`k` in all) over trees of `chainDepth` / `sharedDepth`.
 */
export type CircuitShape = {
  name: string;
  groups: number;
  groupSize: number;
  k: number;
  chainDepth: number;
  sharedDepth: number;
};
