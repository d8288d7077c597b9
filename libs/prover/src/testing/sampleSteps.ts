import { AggregationState, planEpochUpdates, type AggregationStepResult, type Update } from '@interop/protocol';

import { buildCircuitInput } from '../buildCircuitInput';
import type { CircuitInput } from '../types';

export type SampleStep = AggregationStepResult & { epoch: bigint; updates: Update[]; input: CircuitInput };

/**
 * Test/bench helper: `epochs` consecutive aggregation steps over `chains` chains (slot i = chain i, each with an
 * unbounded supply of waiting batches), each step carrying up to `perStep` updates chosen by libs/protocol
 * `planEpochUpdates` for the epoch shape `{ k, groupSize }` (chains take turns, starting one chain later every
 * epoch; with the default perStep = k every group is full), computed with AggregationState and turned into circuit
 * inputs. Batch roots are deterministic.
 */
export function sampleSteps(opts: {
  chainDepth: number;
  sharedDepth: number;
  k: number;
  groupSize: number;
  epochs: number;
  perStep?: number;
  chains?: number;
}): SampleStep[] {
  const state = new AggregationState({ chainDepth: opts.chainDepth, sharedDepth: opts.sharedDepth });
  const chains = Math.min(opts.chains ?? 3, 2 ** opts.sharedDepth);
  const perStep = Math.min(opts.perStep ?? opts.k, opts.k);
  const shape = { k: opts.k, groupSize: opts.groupSize };
  const capacity = 2n ** BigInt(opts.chainDepth);
  const steps: SampleStep[] = [];
  for (let e = 1; e <= opts.epochs; e++) {
    const order = Array.from({ length: chains }, (_, i) => (i + e - 1) % chains);
    const pending = order.map((c) => {
      const chainId = 1000n + BigInt(c);
      const nextBatch = BigInt(state.chainSize(chainId));
      const batches: Update[] = [];
      for (let b = nextBatch; b < nextBatch + BigInt(opts.k) && b < capacity; b++) {
        const seed = (BigInt(e) << 32n) | (BigInt(c) << 16n) | b;
        batches.push({
          slot: c,
          chainId,
          batchNumber: b,
          batchRoot: `0x${(seed * 0x9e3779b97f4a7c15n).toString(16).padStart(64, 'a').slice(-64)}`,
        });
      }
      return { chainId, nextBatch, batches };
    });
    const updates = planEpochUpdates(pending, shape).slice(0, perStep);
    const step = state.apply(updates, shape);
    steps.push({
      ...step,
      epoch: BigInt(e),
      updates,
      input: buildCircuitInput(step.witnesses, step.oldRoot, step.publicSignals),
    });
  }
  return steps;
}
