import * as snarkjs from 'snarkjs';

import type { Groth16Proof, PublicSignals, VerificationKey } from './types';

/**
 * Verifies a Groth16 proof of the aggregation circuit against a verification key (snarkjs `groth16.verify`).
 * Returns false for a wrong proof or wrong public signals; never throws for malformed but well-typed values.
 *
 * @example
 * const ok = await verifyAggregationProof(vkey, proof, [oldRoot, newRoot, commitment]);
 */
export async function verifyAggregationProof(
  vkey: VerificationKey,
  proof: Groth16Proof,
  publicSignals: PublicSignals,
): Promise<boolean> {
  if (publicSignals.length !== vkey.nPublic) return false;
  try {
    return await snarkjs.groth16.verify(vkey, publicSignals, proof);
  } catch {
    return false;
  }
}
