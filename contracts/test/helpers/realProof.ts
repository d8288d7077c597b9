import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as snarkjs from 'snarkjs';
import type { AggregationStepResult } from '@interop/protocol';
import { buildCircuitInput } from '../../../libs/prover/src/buildCircuitInput';
import { toSolidityProof, type SolidityProof } from '../../../libs/prover/src/toSolidityProof';

const ROOT = join(__dirname, '..', '..', '..');
const BUILD = join(ROOT, 'circuits', 'build', 'test');
export const TEST_CIRCUIT = {
  wasm: join(BUILD, 'aggregation_test_js', 'aggregation_test.wasm'),
  zkey: join(BUILD, 'aggregation_test.zkey'),
};

/** Whether the test circuit is built (scripts/build-circuits.mjs --instance test). */
export function testCircuitBuilt(): boolean {
  return existsSync(TEST_CIRCUIT.wasm) && existsSync(TEST_CIRCUIT.zkey);
}

/**
 * A real Groth16 proof of one aggregation step with the test circuit (in-process snarkjs, single-threaded so it
 * runs under jest), in the argument layout of the generated verifier.
 */
export async function proveStep(
  step: AggregationStepResult,
): Promise<{ proof: SolidityProof; publicSignals: bigint[] }> {
  const input = buildCircuitInput(step.witnesses, step.oldRoot, step.newRoot, step.commitment);
  const { proof, publicSignals } = await snarkjs.groth16.fullProve(
    input,
    TEST_CIRCUIT.wasm,
    TEST_CIRCUIT.zkey,
    undefined,
    undefined,
    { singleThread: true },
  );
  return { proof: toSolidityProof(proof), publicSignals: publicSignals.map(BigInt) };
}
