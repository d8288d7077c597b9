import { BatchTree } from '@interop/protocol';
import { keccak256, toHex, type Hex } from 'viem';

import { verifyBatch } from './verifyBatch';

const leaf = (n: number): Hex => keccak256(toHex(n));

describe('verifyBatch', () => {
  const leaves = [leaf(1), leaf(2), leaf(3)];
  const root = new BatchTree(leaves, 16).root;

  it('is incomplete until every index arrived, then verified', () => {
    expect(verifyBatch([{ leafIndex: 0, messageId: leaves[0]! }], 3, root, 16)).toEqual({
      kind: 'incomplete',
      missing: 2,
    });
    const all = leaves.map((messageId, leafIndex) => ({ leafIndex, messageId }));
    const verified = verifyBatch(all.reverse(), 3, root, 16);
    expect(verified).toMatchObject({ kind: 'verified', leaves });
    expect(verified.kind === 'verified' && verified.tree.root).toBe(root);
  });

  it('reports a tampered record as a mismatch with the root it computed', () => {
    const tampered = [leaves[0]!, leaf(99), leaves[2]!];
    const result = verifyBatch(
      tampered.map((messageId, leafIndex) => ({ leafIndex, messageId })),
      3,
      root,
      16,
    );
    expect(result).toEqual({ kind: 'mismatch', computedRoot: new BatchTree(tampered, 16).root });
  });

  it('finds the real leaf among a forged and a real record for one index', () => {
    const candidates = [
      { leafIndex: 0, messageId: leaves[0]! },
      { leafIndex: 1, messageId: leaf(99) },
      { leafIndex: 1, messageId: leaves[1]! },
      { leafIndex: 2, messageId: leaves[2]! },
    ];
    expect(verifyBatch(candidates, 3, root, 16)).toMatchObject({ kind: 'verified', leaves });
  });
});
