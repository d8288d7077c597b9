import { InvalidAggregationWitnessError } from '../errors/aggregation';
import { ProtocolError } from '../errors/base';
import { BN254_FIELD_ORDER } from '../poseidon/bn254FieldOrder';
import { chainLeaf } from '../poseidon/chainLeaf';
import { TAG_BATCH } from '../poseidon/domainTags';
import { poseidon2, poseidon3 } from '../poseidon/poseidon';
import { poseidonZeroHashes } from '../poseidon/poseidonZeroHashes';
import { computePoseidonRoot } from '../trees/computePoseidonRoot';
import { groupHeader } from './epochData';
import type { AggregationDepths, GroupWitness } from './types';

/**
 * Result of {@link verifyAggregationStep}: the new shared root and the data vector `W` the circuit assembles from its
 * witness (SPEC "Epoch data"); a valid proof needs `W` to equal L1's `D`, i.e. `epochPublicSignals(data)`.
 */
export type VerifyAggregationStepReturnType = { newRoot: bigint; data: bigint[] };

/**
 * Recomputes an aggregation step from its group witnesses alone, exactly as circuits/src/aggregation.circom does.
 * Per group with n >= 1 enabled slots (a prefix) and o = firstBatch mod M: the updates fit in the block
 * (o + n <= M); the old chain root is the empty leaf at `firstBatch` folded with lowSiblings ++ upperSiblings, where
 * every low sibling right of the path is the empty subtree Z(l); the new block subtree holds the old nodes left of o,
 * `batchLeaf(root_j, firstBatch + j)` at o + j and empty leaves after; the new chain root folds it with the same
 * upper siblings. The shared leaf at `slot` goes from `firstBatch == 0 ? 0 : chainLeaf(oldChainRoot, chainId)`
 * (with the empty chain root required when `firstBatch == 0`) to `chainLeaf(newChainRoot, chainId)`, the old shared
 * path must open to the running root. Each group contributes `header(slot, chainId, firstBatch, n)`, its new chain
 * root (0 for an empty group) and its enabled batch-root fields (padding as 0) to the data vector. Empty groups pass
 * through and must come after the non-empty ones.
 *
 * @throws {InvalidAggregationWitnessError} (index = group) where the circuit's constraints would not be satisfiable.
 *
 * @example
 * const step = state.apply(updates, { k: 4, groupSize: 2 });
 * const { newRoot, data } = verifyAggregationStep(step.oldRoot, step.witnesses, { chainDepth: 20, sharedDepth: 10 });
 * newRoot === step.newRoot && data.join() === step.data.join(); // true
 */
export function verifyAggregationStep(
  oldRoot: bigint,
  witnesses: readonly GroupWitness[],
  { chainDepth, sharedDepth }: AggregationDepths,
): VerifyAggregationStepReturnType {
  const zeros = poseidonZeroHashes(chainDepth);
  const emptyChainRoot = zeros[chainDepth] as bigint;
  let root = oldRoot;
  const parts: bigint[] = [];
  let padding = false;
  witnesses.forEach((w, index) => {
    const fail = (details: string): never => {
      throw new InvalidAggregationWitnessError({ index, details });
    };
    const m = w.enabled.length;
    const logM = Math.log2(m);
    if (!Number.isInteger(logM)) fail(`the group has ${m} slots, not a power of two`);
    if (w.batchRootFields.length !== m) fail(`batchRootFields has ${w.batchRootFields.length}, expected ${m}`);
    let n = 0;
    w.enabled.forEach((e, j) => {
      if (e !== 0 && e !== 1) fail(`enabled[${j}] must be 0 or 1, got ${String(e)}`);
      if (e === 1 && j > 0 && w.enabled[j - 1] === 0) fail(`enabled[${j}] follows padding; padding must be a suffix`);
      if (e === 1) n++;
    });
    if (n === 0) {
      padding = true;
      // An empty group passes through: header of its (zero) witness, chain root 0, padding roots 0.
      parts.push(groupHeader(w.slot, w.chainId, w.firstBatch, 0), 0n, ...new Array<bigint>(m).fill(0n));
      return;
    }
    if (padding) fail('a non-empty group follows an empty one; empty groups must come last');
    if (w.lowSiblings.length !== logM || w.lowSiblings.length + w.upperSiblings.length !== chainDepth) {
      fail(
        `${w.lowSiblings.length} low + ${w.upperSiblings.length} upper siblings, expected ${logM} + ${chainDepth - logM}`,
      );
    }
    if (w.sharedSiblings.length !== sharedDepth) {
      fail(`sharedSiblings has ${w.sharedSiblings.length}, expected ${sharedDepth}`);
    }
    if (!Number.isInteger(w.slot) || w.slot < 0 || w.slot >= 2 ** sharedDepth) fail(`slot ${w.slot} out of range`);
    if (w.firstBatch < 0n || w.firstBatch >= 2n ** BigInt(chainDepth)) fail(`firstBatch ${w.firstBatch} out of range`);
    if (w.chainId < 0n || w.chainId >= 1n << 64n) fail(`chainId ${w.chainId} is not a uint64`);
    for (const [name, v] of [
      ['chainId', w.chainId],
      ...w.batchRootFields.map((f, j) => [`batchRootFields[${j}]`, f]),
    ] as [string, bigint][]) {
      if (v < 0n || v >= BN254_FIELD_ORDER) fail(`${name} ${v} is not a field element`);
    }
    const o = Number(w.firstBatch % BigInt(m));
    if (o + n > m) fail(`updates at block positions ${o}..${o + n - 1} cross the aligned block of ${m}`);
    for (let l = 0; l < logM; l++) {
      if (((o >> l) & 1) === 0 && w.lowSiblings[l] !== zeros[l]) {
        fail(`lowSiblings[${l}] is right of the path and must be the empty subtree`);
      }
    }
    try {
      const oldChainRoot = computePoseidonRoot(0n, w.firstBatch, [...w.lowSiblings, ...w.upperSiblings]);
      // New block subtree: old nodes left of o (from lowSiblings), the new leaves at o.., empty after.
      let level: bigint[] = Array.from({ length: m }, (_, p) =>
        p >= o && p < o + n ? poseidon3(TAG_BATCH, w.batchRootFields[p - o]!, w.firstBatch + BigInt(p - o)) : 0n,
      );
      for (let l = 0; l < logM; l++) {
        const width = m >> l;
        const sel = level.map((v, k) => (k < width - 1 && o >= (k + 1) << l ? w.lowSiblings[l]! : v));
        level = Array.from({ length: width / 2 }, (_, k) => poseidon2(sel[2 * k]!, sel[2 * k + 1]!));
      }
      const newChainRoot = computePoseidonRoot(level[0]!, w.firstBatch >> BigInt(logM), w.upperSiblings);
      if (w.firstBatch === 0n && oldChainRoot !== emptyChainRoot) fail('batch 0 must start from the empty chain root');
      const oldLeaf = w.firstBatch === 0n ? 0n : chainLeaf(oldChainRoot, w.chainId);
      if (computePoseidonRoot(oldLeaf, w.slot, w.sharedSiblings) !== root) {
        fail('the shared path does not open to the running shared root');
      }
      root = computePoseidonRoot(chainLeaf(newChainRoot, w.chainId), w.slot, w.sharedSiblings);
      parts.push(
        groupHeader(w.slot, w.chainId, w.firstBatch, n),
        newChainRoot,
        ...w.batchRootFields.map((f, j) => (j < n ? f : 0n)),
      );
    } catch (e) {
      if (e instanceof InvalidAggregationWitnessError || !(e instanceof ProtocolError)) throw e;
      fail(e.message);
    }
  });
  return { newRoot: root, data: [oldRoot, root, ...parts] };
}
