// MerkleFold (circuits/src/merkle.circom) against libs/protocol computePoseidonRoot.
import { computePoseidonRoot, poseidon2, poseidonZeroHashes } from '@interop/protocol';

import { compileHarness, decimals, witness, type Circuit } from './witness';

jest.setTimeout(120_000);

let circuit: Circuit;
beforeAll(() => {
  circuit = compileHarness('merkle_fold_test');
});

const siblings = [11n, 22n, 33n];
const leaf = 7n;

describe('MerkleFold(3)', () => {
  it.each([0, 1, 2, 5, 7])('folds index %d like libs/protocol', async (index) => {
    const w = await witness(circuit, decimals({ leaf, index, siblings }) as Record<string, unknown>);
    expect(w[1]).toBe(computePoseidonRoot(leaf, index, siblings));
  });

  it('gives the empty-tree root for the empty leaf with zero-hash siblings', async () => {
    const z = poseidonZeroHashes(3);
    const w = await witness(
      circuit,
      decimals({ leaf: 0n, index: 4, siblings: z.slice(0, 3) }) as Record<string, unknown>,
    );
    expect(w[1]).toBe(z[3]);
  });

  it('bit 0 means the running node is the left child', async () => {
    const w = await witness(circuit, decimals({ leaf, index: 0, siblings }) as Record<string, unknown>);
    expect(w[1]).toBe(poseidon2(poseidon2(poseidon2(leaf, 11n), 22n), 33n));
  });

  it('a wrong index gives a different root', async () => {
    const w = await witness(circuit, decimals({ leaf, index: 3, siblings }) as Record<string, unknown>);
    expect(w[1]).not.toBe(computePoseidonRoot(leaf, 2, siblings));
  });

  it('rejects an index that does not fit the depth (range check through the bits)', async () => {
    await expect(witness(circuit, decimals({ leaf, index: 8, siblings }) as Record<string, unknown>)).rejects.toThrow();
  });
});
