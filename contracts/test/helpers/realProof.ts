import { existsSync } from 'node:fs';
import type { AggregationStepResult, PRODUCTION_SHAPES } from '@interop/protocol';
// The shape-aware circuit API of libs/prover (circuitArtifacts(shapeName), ensureCircuits(names?)): the only place
// the contracts tests and the gas bench touch the circuit build.
import { buildCircuitInput, circuitArtifacts, Prover, toSolidityProof, type SolidityProof } from '@interop/prover';
import { ensureCircuits } from '@interop/prover/testing/ensureCircuits';

/** A production epoch shape by name (circuits/shapes/<name>.json). */
export type ShapeName = keyof typeof PRODUCTION_SHAPES;

/** Whether the circuit of `shape` is built (wasm and zkey under circuits/build/<shape>/), without building it. */
export function circuitBuilt(shape: ShapeName): boolean {
  const a = circuitArtifacts(shape, { allowMissing: true });
  return existsSync(a.wasm) && existsSync(a.zkey);
}

/** Proves epochs of one shape with the real circuit (libs/prover `Prover`, one worker thread). */
export type ShapeProver = {
  shape: ShapeName;
  prove: (step: AggregationStepResult) => Promise<{ proof: SolidityProof; publicSignals: bigint[] }>;
  close: () => Promise<void>;
};

/**
 * A prover of `shape`'s circuit, building it first when it is missing (`ensureCircuits`, whose caches make a rebuild
 * take seconds).
 */
export async function shapeProver(shape: ShapeName): Promise<ShapeProver> {
  await ensureCircuits([shape]);
  const prover = new Prover({ artifacts: circuitArtifacts(shape), poolSize: 1 });
  return {
    shape,
    prove: async (step) => {
      const input = buildCircuitInput(step.witnesses, step.oldRoot, step.publicSignals);
      const { proof, publicSignals } = await prover.prove(input);
      return { proof: toSolidityProof(proof), publicSignals: publicSignals.map(BigInt) };
    },
    close: () => prover.close(),
  };
}
