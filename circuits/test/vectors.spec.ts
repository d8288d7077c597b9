// The circuit against libs/protocol/test-vectors/aggregation.json (the vectors that also pin TS and Solidity):
// every step's witnesses satisfy the test instance with exactly the vector's public signals.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { GroupWitness } from '@interop/protocol';
import { buildCircuitInput } from '@interop/prover';
import { ensureTestCircuit } from '@interop/prover/testing/ensureTestCircuit';
import { releaseSnarkjs } from '@interop/prover/testing/releaseSnarkjs';

import { checkConstraints, ROOT, witness, type Circuit } from './witness';

jest.setTimeout(20 * 60_000);

type RawWitness = Pick<GroupWitness, 'enabled' | 'slot'> & {
  chainId: string;
  firstBatch: string;
  batchRootFields: string[];
  lowSiblings: string[];
  upperSiblings: string[];
  sharedSiblings: string[];
};
type Vectors = {
  chainDepth: number;
  sharedDepth: number;
  k: number;
  groupSize: number;
  steps: {
    epoch: number;
    oldRoot: string;
    newRoot: string;
    commitment: string;
    publicSignals: string[];
    witnesses: RawWitness[];
  }[];
};

const vectors = JSON.parse(
  readFileSync(path.join(ROOT, 'libs', 'protocol', 'test-vectors', 'aggregation.json'), 'utf8'),
) as Vectors;
let circuit: Circuit;

beforeAll(async () => {
  const a = await ensureTestCircuit('test');
  circuit = { wasm: a.wasm, r1cs: a.r1cs, calculator: path.join(path.dirname(a.wasm), 'witness_calculator.js') };
});
afterAll(releaseSnarkjs);

it('uses the test instance parameters', () => {
  expect([vectors.chainDepth, vectors.sharedDepth, vectors.k, vectors.groupSize]).toEqual([3, 2, 4, 2]);
  expect(vectors.steps.length).toBeGreaterThan(0);
});

it.each(vectors.steps.map((s) => [s.epoch, s] as const))(
  'step of epoch %d satisfies the circuit',
  async (_epoch, step) => {
    const witnesses: GroupWitness[] = step.witnesses.map((w) => ({
      enabled: w.enabled,
      slot: w.slot,
      chainId: BigInt(w.chainId),
      firstBatch: BigInt(w.firstBatch),
      batchRootFields: w.batchRootFields.map(BigInt),
      lowSiblings: w.lowSiblings.map(BigInt),
      upperSiblings: w.upperSiblings.map(BigInt),
      sharedSiblings: w.sharedSiblings.map(BigInt),
    }));
    const input = buildCircuitInput(witnesses, BigInt(step.oldRoot), BigInt(step.newRoot), BigInt(step.commitment));
    expect([input.oldRoot, input.newRoot, input.commitment]).toEqual(step.publicSignals);
    const w = await witness(circuit, input);
    // Public inputs sit right after the constant 1 (the circuit has no outputs).
    expect(w.slice(1, 4).map(String)).toEqual(step.publicSignals);
    expect(await checkConstraints(circuit, input as unknown as Record<string, unknown>)).toBe(true);
    await expect(
      witness(circuit, { ...input, commitment: (BigInt(step.commitment) + 1n).toString() }),
    ).rejects.toThrow();
  },
);
