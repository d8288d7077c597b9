import { InvalidAggregationWitnessError } from '../errors/aggregation';
import { ProtocolError } from '../errors/base';
import { BN254_FIELD_ORDER } from '../poseidon/bn254FieldOrder';
import { chainLeaf } from '../poseidon/chainLeaf';
import { TAG_BATCH } from '../poseidon/domainTags';
import { poseidon3, poseidon5 } from '../poseidon/poseidon';
import { poseidonZeroHashes } from '../poseidon/poseidonZeroHashes';
import { computePoseidonRoot } from '../trees/computePoseidonRoot';
import type { AggregationDepths, UpdateWitness } from './types';

/** Result of {@link verifyAggregationStep}: the public signals the circuit outputs besides `oldRoot`. */
export type VerifyAggregationStepReturnType = { newRoot: bigint; commitment: bigint };

/**
 * Recomputes an aggregation step from its witnesses alone, exactly as circuits/src/aggregation.circom does:
 * for each enabled witness, the chain leaf at `batchNumber` goes from empty to `batchLeaf`, the shared leaf at `slot`
 * goes from `batchNumber == 0 ? 0 : chainLeaf(oldChainRoot, chainId)` (with the empty chain root required when
 * `batchNumber == 0`) to `chainLeaf(newChainRoot, chainId)`, the old shared path must open to the running root, and
 * the commitment absorbs `P5(c, slot, chainId, batchNumber, batchRootField)`. Padding (`enabled = 0`) passes the
 * roots and the commitment through and must be a suffix; its other fields are ignored.
 *
 * @throws {InvalidAggregationWitnessError} where the circuit's constraints would not be satisfiable.
 *
 * @example
 * const step = state.apply(updates, 2);
 * const { newRoot, commitment } = verifyAggregationStep(step.oldRoot, step.witnesses, { chainDepth: 3, sharedDepth: 2 });
 * newRoot === step.newRoot && commitment === step.commitment; // true
 */
export function verifyAggregationStep(
  oldRoot: bigint,
  witnesses: readonly UpdateWitness[],
  { chainDepth, sharedDepth }: AggregationDepths,
): VerifyAggregationStepReturnType {
  const emptyChainRoot = poseidonZeroHashes(chainDepth)[chainDepth] as bigint;
  let root = oldRoot;
  let commitment = 0n;
  let padding = false;
  witnesses.forEach((w, index) => {
    const fail = (details: string): never => {
      throw new InvalidAggregationWitnessError({ index, details });
    };
    if (w.enabled !== 0 && w.enabled !== 1) fail(`enabled must be 0 or 1, got ${String(w.enabled)}`);
    if (w.enabled === 0) {
      padding = true;
      return;
    }
    if (padding) fail('an enabled update follows padding; padding must be a suffix');
    if (w.chainSiblings.length !== chainDepth)
      fail(`chainSiblings has ${w.chainSiblings.length}, expected ${chainDepth}`);
    if (w.sharedSiblings.length !== sharedDepth) {
      fail(`sharedSiblings has ${w.sharedSiblings.length}, expected ${sharedDepth}`);
    }
    if (!Number.isInteger(w.slot) || w.slot < 0 || w.slot >= 2 ** sharedDepth) fail(`slot ${w.slot} out of range`);
    if (w.batchNumber < 0n || w.batchNumber >= 2n ** BigInt(chainDepth))
      fail(`batchNumber ${w.batchNumber} out of range`);
    for (const [name, v] of [
      ['chainId', w.chainId],
      ['batchRootField', w.batchRootField],
    ] as const) {
      if (v < 0n || v >= BN254_FIELD_ORDER) fail(`${name} ${v} is not a field element`);
    }
    try {
      const oldChainRoot = computePoseidonRoot(0n, w.batchNumber, w.chainSiblings);
      const newChainRoot = computePoseidonRoot(
        poseidon3(TAG_BATCH, w.batchRootField, w.batchNumber),
        w.batchNumber,
        w.chainSiblings,
      );
      if (w.batchNumber === 0n && oldChainRoot !== emptyChainRoot) fail('batch 0 must start from the empty chain root');
      const oldLeaf = w.batchNumber === 0n ? 0n : chainLeaf(oldChainRoot, w.chainId);
      if (computePoseidonRoot(oldLeaf, w.slot, w.sharedSiblings) !== root) {
        fail('the shared path does not open to the running shared root');
      }
      root = computePoseidonRoot(chainLeaf(newChainRoot, w.chainId), w.slot, w.sharedSiblings);
      commitment = poseidon5(commitment, BigInt(w.slot), w.chainId, w.batchNumber, w.batchRootField);
    } catch (e) {
      if (e instanceof InvalidAggregationWitnessError || !(e instanceof ProtocolError)) throw e;
      fail(e.message);
    }
  });
  return { newRoot: root, commitment };
}
