// The circuit against libs/protocol/test-vectors/aggregation.json (the vectors that also pin TS and Solidity): every
// step of every production shape (circuits/shapes) satisfies the circuit with exactly the vector's public signals,
// and no other evaluation. The circuits are the ones the prover proves: scripts/build-circuits.ts's compiled shapes
// (ensureCircuits builds them first when they are missing; `npm test` has built them by now), not a second compile.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { GroupWitness } from '@interop/protocol';
import { buildCircuitInput } from '@interop/prover';
import { ensureCircuits } from '@interop/prover/testing/ensureCircuits';
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
  shapes: {
    name: string;
    k: number;
    groupSize: number;
    groups: number;
    steps: { epoch: number; oldRoot: string; publicSignals: string[]; witnesses: RawWitness[] }[];
  }[];
};
type ShapeFile = { name: string; groups: number; groupSize: number; chainDepth: number; sharedDepth: number };

const vectors = JSON.parse(
  readFileSync(path.join(ROOT, 'libs', 'protocol', 'test-vectors', 'aggregation.json'), 'utf8'),
) as Vectors;
const shapeFile = (name: string): ShapeFile =>
  JSON.parse(readFileSync(path.join(ROOT, 'circuits', 'shapes', `${name}.json`), 'utf8')) as ShapeFile;

afterAll(releaseSnarkjs);

it('covers every production shape with its parameters', () => {
  for (const s of vectors.shapes) {
    expect(shapeFile(s.name)).toMatchObject({
      groups: s.groups,
      groupSize: s.groupSize,
      chainDepth: vectors.chainDepth,
      sharedDepth: vectors.sharedDepth,
    });
    expect(s.steps.length).toBeGreaterThan(0);
  }
});

describe.each(vectors.shapes.map((s) => [s.name, s] as const))('shape %s', (name, shape) => {
  let circuit: Circuit;
  beforeAll(async () => {
    const built = (await ensureCircuits([name]))[name]!;
    circuit = {
      wasm: built.wasm,
      r1cs: built.r1cs,
      calculator: path.join(path.dirname(built.wasm), 'witness_calculator.js'),
    };
  });

  it.each(shape.steps.map((s) => [s.epoch, s] as const))('step of epoch %d satisfies the circuit', async (_e, step) => {
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
    const [dataCommitment, challenge, evaluation] = step.publicSignals.map(BigInt) as [bigint, bigint, bigint];
    const input = buildCircuitInput(witnesses, BigInt(step.oldRoot), { dataCommitment, challenge, evaluation });
    const w = await witness(circuit, input);
    // Public inputs sit right after the constant 1 (the circuit has no outputs).
    expect(w.slice(1, 4).map(String)).toEqual(step.publicSignals);
    expect(await checkConstraints(circuit, input as unknown as Record<string, unknown>)).toBe(true);
    await expect(witness(circuit, { ...input, evaluation: (evaluation + 1n).toString() })).rejects.toThrow();
  });
});
