import { ProofChainError } from './errors';
import type { Groth16Proof, PublicSignals, VerificationKey } from './types';
import { verifyAggregationProof } from './verifyAggregationProof';

/** One link of the proof chain: the aggregation step of an epoch. Roots as bigint or decimal/hex strings. */
export type ProofChainEpoch = {
  epoch: bigint;
  oldRoot: bigint;
  newRoot: bigint;
  proof: Groth16Proof;
  publicSignals: PublicSignals;
};

/**
 * Checks a history of aggregation steps the way L1 does link by link: each proof verifies, its public signals
 * carry the epoch's stated old and new roots, epochs are consecutive, and each epoch starts from the root the
 * previous one ended at.
 *
 * @throws ProofChainError naming the first bad epoch (codes PROOF_INVALID, PUBLIC_SIGNALS_MISMATCH,
 *   PROOF_CHAIN_BROKEN).
 * @example
 * await verifyProofChain(epochs, vkey); // resolves, or throws for the first bad epoch
 */
export async function verifyProofChain(epochs: readonly ProofChainEpoch[], vkey: VerificationKey): Promise<void> {
  let previous: ProofChainEpoch | undefined;
  for (const e of epochs) {
    if (previous && e.epoch !== previous.epoch + 1n) {
      throw new ProofChainError(
        'PROOF_CHAIN_BROKEN',
        e.epoch,
        `follows epoch ${previous.epoch} (epochs must be consecutive)`,
      );
    }
    if (e.publicSignals[0] !== e.oldRoot.toString() || e.publicSignals[1] !== e.newRoot.toString()) {
      throw new ProofChainError(
        'PUBLIC_SIGNALS_MISMATCH',
        e.epoch,
        'public signals do not carry the stated oldRoot/newRoot',
      );
    }
    if (previous && e.oldRoot !== previous.newRoot) {
      throw new ProofChainError(
        'PROOF_CHAIN_BROKEN',
        e.epoch,
        `old root ${e.oldRoot} is not the new root ${previous.newRoot} of epoch ${previous.epoch}`,
      );
    }
    if (!(await verifyAggregationProof(vkey, e.proof, e.publicSignals))) {
      throw new ProofChainError('PROOF_INVALID', e.epoch, 'the Groth16 proof does not verify');
    }
    previous = e;
  }
}
