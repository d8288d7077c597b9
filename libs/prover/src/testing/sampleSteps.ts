import { AggregationState, type AggregationStepResult, type Update } from '@interop/protocol';

import { buildCircuitInput } from '../buildCircuitInput';
import type { CircuitInput } from '../types';

export type SampleStep = AggregationStepResult & { epoch: bigint; updates: Update[]; input: CircuitInput };

/**
 * Test/bench helper: `epochs` consecutive aggregation steps over `chains` chains (slot i = chain i), each step
 * carrying `perStep` updates (round-robin over the chains, batch numbers consecutive per chain), computed with
 * libs/protocol AggregationState and turned into circuit inputs. Batch roots are deterministic.
 */
export function sampleSteps(opts: {
  chainDepth: number;
  sharedDepth: number;
  k: number;
  epochs: number;
  perStep?: number;
  chains?: number;
}): SampleStep[] {
  const state = new AggregationState({ chainDepth: opts.chainDepth, sharedDepth: opts.sharedDepth });
  const chains = Math.min(opts.chains ?? 3, 2 ** opts.sharedDepth);
  const perStep = Math.min(opts.perStep ?? opts.k, opts.k);
  const next = new Array<bigint>(chains).fill(0n);
  const steps: SampleStep[] = [];
  let turn = 0;
  for (let e = 1; e <= opts.epochs; e++) {
    const updates: Update[] = [];
    for (let j = 0; j < perStep; j++) {
      const c = turn++ % chains;
      const batchNumber = next[c]!;
      next[c] = batchNumber + 1n;
      const seed = (BigInt(e) << 32n) | (BigInt(c) << 16n) | batchNumber;
      updates.push({
        slot: c,
        chainId: 1000n + BigInt(c),
        batchNumber,
        batchRoot: `0x${(seed * 0x9e3779b97f4a7c15n).toString(16).padStart(64, 'a').slice(-64)}`,
      });
    }
    const step = state.apply(updates, opts.k);
    steps.push({
      ...step,
      epoch: BigInt(e),
      updates,
      input: buildCircuitInput(step.witnesses, step.oldRoot, step.newRoot, step.commitment),
    });
  }
  return steps;
}
