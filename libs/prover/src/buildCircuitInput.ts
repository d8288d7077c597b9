import type { UpdateWitness } from '@interop/protocol';

import { CircuitInputError } from './errors';
import type { CircuitInput } from './types';

/** BN254 scalar field order (SPEC.md "Field and hashes"). */
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/**
 * The snarkjs input object of `Aggregation(K, CHAIN_DEPTH, SHARED_DEPTH)` (circuits/src/aggregation.circom) from
 * the witnesses of libs/protocol `AggregationState.apply` (one per update slot, padding included) and the step's
 * public values. Every signal becomes a decimal string.
 *
 * It checks what the circuit would reject anyway, but with a message: consistent path lengths, canonical field
 * elements, boolean `enabled` with padding as a suffix.
 *
 * @example
 * const step = state.apply(updates, K);
 * const input = buildCircuitInput(step.witnesses, step.oldRoot, step.newRoot, step.commitment);
 */
export function buildCircuitInput(
  witnesses: readonly UpdateWitness[],
  oldRoot: bigint,
  newRoot: bigint,
  commitment: bigint,
): CircuitInput {
  if (witnesses.length === 0) throw new CircuitInputError('no update witnesses (K must be at least 1)');
  const first = witnesses[0]!;
  const chainDepth = first.chainSiblings.length;
  const sharedDepth = first.sharedSiblings.length;
  const input: CircuitInput = {
    oldRoot: field(oldRoot, 'oldRoot'),
    newRoot: field(newRoot, 'newRoot'),
    commitment: field(commitment, 'commitment'),
    enabled: [],
    slot: [],
    chainId: [],
    batchNumber: [],
    batchRootField: [],
    chainSiblings: [],
    sharedSiblings: [],
  };
  witnesses.forEach((w, i) => {
    if (w.enabled !== 0 && w.enabled !== 1) throw new CircuitInputError(`witness ${i}: enabled must be 0 or 1`);
    if (i > 0 && w.enabled === 1 && witnesses[i - 1]!.enabled === 0) {
      throw new CircuitInputError(`witness ${i}: an enabled update follows padding (padding must be a suffix)`);
    }
    if (w.chainSiblings.length !== chainDepth || w.sharedSiblings.length !== sharedDepth) {
      throw new CircuitInputError(
        `witness ${i}: ${w.chainSiblings.length} chain / ${w.sharedSiblings.length} shared siblings, ` +
          `expected ${chainDepth} / ${sharedDepth}`,
      );
    }
    if (!Number.isSafeInteger(w.slot) || w.slot < 0) throw new CircuitInputError(`witness ${i}: bad slot ${w.slot}`);
    input.enabled.push(String(w.enabled));
    input.slot.push(String(w.slot));
    input.chainId.push(field(w.chainId, `witness ${i} chainId`));
    input.batchNumber.push(field(w.batchNumber, `witness ${i} batchNumber`));
    input.batchRootField.push(field(w.batchRootField, `witness ${i} batchRootField`));
    input.chainSiblings.push(w.chainSiblings.map((s, j) => field(s, `witness ${i} chainSiblings[${j}]`)));
    input.sharedSiblings.push(w.sharedSiblings.map((s, j) => field(s, `witness ${i} sharedSiblings[${j}]`)));
  });
  return input;
}

function field(v: bigint, what: string): string {
  if (typeof v !== 'bigint' || v < 0n || v >= R) throw new CircuitInputError(`${what} is not a field element: ${v}`);
  return v.toString(10);
}
