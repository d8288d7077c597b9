// emptyChainRoot (circuits/src/zeros.circom) against libs/protocol poseidonZeroHashes.
import { poseidonZeroHashes } from '@interop/protocol';

import { compileHarness, witness, type Circuit } from './witness';

jest.setTimeout(120_000);

let circuit: Circuit;
beforeAll(() => {
  circuit = compileHarness('zeros_test');
});

it('emptyChainRoot(d) equals Zc(d) for every depth 0..32', async () => {
  const w = await witness(circuit, { dummy: '0' });
  const z = poseidonZeroHashes(32);
  expect(w.slice(1, 34)).toEqual(z.slice(0, 33));
});
