// BatchLeaf / ChainLeaf (circuits/src/leaves.circom) against libs/protocol batchLeaf / chainLeaf.
import { batchLeaf, chainLeaf, poseidon3, TAG_BATCH, TAG_CHAIN, toField } from '@interop/protocol';

import { compileHarness, decimals, witness, type Circuit } from './witness';

jest.setTimeout(120_000);

let circuit: Circuit;
beforeAll(() => {
  circuit = compileHarness('leaves_test');
});

// A keccak-size root above the field order, so toField actually reduces it.
const batchRoot = `0x${'f'.repeat(64)}` as const;

describe('leaves', () => {
  it('batchLeaf and chainLeaf match libs/protocol', async () => {
    const chainRoot = 123456789n;
    const w = await witness(
      circuit,
      decimals({ batchRootField: toField(batchRoot), batchNumber: 5n, chainRoot, chainId: 31337n }) as Record<
        string,
        unknown
      >,
    );
    expect(w[1]).toBe(batchLeaf(batchRoot, 5n));
    expect(w[2]).toBe(chainLeaf(chainRoot, 31337n));
  });

  it('uses the domain tags (a batch leaf and a chain leaf of the same values differ)', async () => {
    const w = await witness(
      circuit,
      decimals({ batchRootField: 9n, batchNumber: 8n, chainRoot: 9n, chainId: 8n }) as Record<string, unknown>,
    );
    expect(w[1]).toBe(poseidon3(TAG_BATCH, 9n, 8n));
    expect(w[2]).toBe(poseidon3(TAG_CHAIN, 9n, 8n));
    expect(w[1]).not.toBe(w[2]);
  });
});
