// CommitmentStep (circuits/src/commitment.circom) against libs/protocol updatesCommitment.
import { toField, updatesCommitment, type Update } from '@interop/protocol';

import { compileHarness, decimals, witness, type Circuit } from './witness';

jest.setTimeout(120_000);

let circuit: Circuit;
beforeAll(() => {
  circuit = compileHarness('commitment_test');
});

const updates: Update[] = [
  { slot: 0, chainId: 10n, batchNumber: 0n, batchRoot: `0x${'11'.repeat(32)}` },
  { slot: 3, chainId: 20n, batchNumber: 4n, batchRoot: `0x${'ee'.repeat(32)}` },
  { slot: 0, chainId: 10n, batchNumber: 1n, batchRoot: `0x${'a5'.repeat(32)}` },
];

function input(list: Update[]): Record<string, unknown> {
  return decimals({
    slot: list.map((u) => BigInt(u.slot)),
    chainId: list.map((u) => u.chainId),
    batchNumber: list.map((u) => u.batchNumber),
    batchRootField: list.map((u) => toField(u.batchRoot)),
  }) as Record<string, unknown>;
}

describe('CommitmentStep', () => {
  it('chains P5 like libs/protocol updatesCommitment', async () => {
    const w = await witness(circuit, input(updates));
    expect(w[1]).toBe(updatesCommitment(updates));
  });

  it('depends on the order of the updates', async () => {
    const swapped = [updates[1]!, updates[0]!, updates[2]!];
    const w = await witness(circuit, input(swapped));
    expect(w[1]).toBe(updatesCommitment(swapped));
    expect(w[1]).not.toBe(updatesCommitment(updates));
  });
});
