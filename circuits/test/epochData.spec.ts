// EpochDataCommitment and EvaluateAt (circuits/src/epochData.circom) against libs/protocol's epochDataCommitment and
// evaluateEpochData (SPEC.md "Epoch data").
import { BN254_FIELD_ORDER, epochChallenge, epochDataCommitment, evaluateEpochData } from '@interop/protocol';
import { releaseSnarkjs } from '@interop/prover/testing/releaseSnarkjs';

import { compileHarness, witness, type Circuit } from './witness';

jest.setTimeout(5 * 60_000);

let circuit: Circuit;
beforeAll(() => {
  circuit = compileHarness('epoch_data_test');
});
afterAll(releaseSnarkjs);

const R = BN254_FIELD_ORDER;

it.each([
  ['small values', [1n, 2n, 3n, 4n, 5n, 6n]],
  ['zeros', [0n, 0n, 0n, 0n, 0n, 0n]],
  ['values near r', [R - 1n, R - 2n, 0n, 1n, R - 3n, 7n]],
])('computes the commitment and the evaluation libs/protocol computes (%s)', async (_name, data) => {
  const x = epochChallenge(epochDataCommitment(data), data);
  const w = await witness(circuit, { data: data.map(String), x: x.toString() });
  // Outputs follow the constant 1 in declaration order.
  expect(w[1]).toBe(epochDataCommitment(data));
  expect(w[2]).toBe(evaluateEpochData(data, x));
});

it('pads the last chunk with zeros and depends on every element and its position', async () => {
  const data = [9n, 8n, 7n, 6n, 5n, 4n];
  const base = await witness(circuit, { data: data.map(String), x: '5' });
  const swapped = await witness(circuit, { data: [8n, 9n, 7n, 6n, 5n, 4n].map(String), x: '5' });
  expect(swapped[1]).not.toBe(base[1]);
  expect(swapped[2]).not.toBe(base[2]);
  expect(base[1]).toBe(epochDataCommitment([...data, 0n, 0n]));
});
