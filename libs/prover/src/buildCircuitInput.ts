import { BN254_FIELD_ORDER, type EpochPublicSignals, type GroupWitness } from '@interop/protocol';

import { CircuitInputError } from './errors';
import type { CircuitInput } from './types';

/** BN254 scalar field order (SPEC.md "Field and hashes"). */
const R = BN254_FIELD_ORDER;

/**
 * The snarkjs input object of `Aggregation(G, M, CHAIN_DEPTH, SHARED_DEPTH)` (circuits/src/aggregation.circom)
 * from the group witnesses of libs/protocol `AggregationState.apply(updates, shape)` (G of them, empty groups
 * included), the step's old root and its public signals (SPEC "Epoch data"). Every signal becomes a decimal string.
 *
 * It checks what the circuit would reject anyway, but with a message: equal group sizes (a power of two >= 2, the
 * circuit has no groups of 1), consistent path lengths, canonical field elements, boolean `enabled` with padding as
 * a suffix of each group.
 *
 * @example
 * const step = state.apply(updates, PRODUCTION_SHAPES.s4);
 * const input = buildCircuitInput(step.witnesses, step.oldRoot, step.publicSignals);
 */
export function buildCircuitInput(
  witnesses: readonly GroupWitness[],
  oldRoot: bigint,
  publicSignals: EpochPublicSignals,
): CircuitInput {
  if (witnesses.length === 0) throw new CircuitInputError('no group witnesses (the circuit has at least one group)');
  const first = witnesses[0]!;
  const m = first.enabled.length;
  const lowDepth = first.lowSiblings.length;
  const upperDepth = first.upperSiblings.length;
  const sharedDepth = first.sharedSiblings.length;
  if (m < 2 || 2 ** lowDepth !== m) {
    throw new CircuitInputError(
      `group size ${m} with ${lowDepth} low siblings: the circuit needs groups of 2^n >= 2 (apply with the circuit's shape)`,
    );
  }
  const input: CircuitInput = {
    dataCommitment: field(publicSignals.dataCommitment, 'dataCommitment'),
    challenge: field(publicSignals.challenge, 'challenge'),
    evaluation: field(publicSignals.evaluation, 'evaluation'),
    oldRoot: field(oldRoot, 'oldRoot'),
    enabled: [],
    slot: [],
    chainId: [],
    firstBatch: [],
    batchRootField: [],
    lowSiblings: [],
    upperSiblings: [],
    sharedSiblings: [],
  };
  witnesses.forEach((w, g) => {
    if (w.enabled.length !== m || w.batchRootFields.length !== m) {
      throw new CircuitInputError(
        `group ${g}: ${w.enabled.length} slots / ${w.batchRootFields.length} roots, expected ${m}`,
      );
    }
    w.enabled.forEach((e, j) => {
      if (e !== 0 && e !== 1) throw new CircuitInputError(`group ${g} slot ${j}: enabled must be 0 or 1`);
      if (j > 0 && e === 1 && w.enabled[j - 1] === 0) {
        throw new CircuitInputError(
          `group ${g} slot ${j}: an enabled update follows padding (padding must be a suffix)`,
        );
      }
    });
    if (
      w.lowSiblings.length !== lowDepth ||
      w.upperSiblings.length !== upperDepth ||
      w.sharedSiblings.length !== sharedDepth
    ) {
      throw new CircuitInputError(
        `group ${g}: ${w.lowSiblings.length} low / ${w.upperSiblings.length} upper / ${w.sharedSiblings.length} ` +
          `shared siblings, expected ${lowDepth} / ${upperDepth} / ${sharedDepth}`,
      );
    }
    if (!Number.isSafeInteger(w.slot) || w.slot < 0) throw new CircuitInputError(`group ${g}: bad slot ${w.slot}`);
    input.enabled.push(w.enabled.map(String));
    input.slot.push(String(w.slot));
    input.chainId.push(field(w.chainId, `group ${g} chainId`));
    input.firstBatch.push(field(w.firstBatch, `group ${g} firstBatch`));
    input.batchRootField.push(w.batchRootFields.map((f, j) => field(f, `group ${g} batchRootFields[${j}]`)));
    input.lowSiblings.push(w.lowSiblings.map((s, j) => field(s, `group ${g} lowSiblings[${j}]`)));
    input.upperSiblings.push(w.upperSiblings.map((s, j) => field(s, `group ${g} upperSiblings[${j}]`)));
    input.sharedSiblings.push(w.sharedSiblings.map((s, j) => field(s, `group ${g} sharedSiblings[${j}]`)));
  });
  return input;
}

function field(v: bigint, what: string): string {
  if (typeof v !== 'bigint' || v < 0n || v >= R) throw new CircuitInputError(`${what} is not a field element: ${v}`);
  return v.toString(10);
}
