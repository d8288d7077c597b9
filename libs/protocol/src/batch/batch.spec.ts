import fc from 'fast-check';
import { concat, keccak256, type Hex } from 'viem';
import { InvalidBytes32Error } from '../errors/field';
import { InvalidTreeDepthError, LeafIndexOutOfRangeError, TreeFullError } from '../errors/tree';
import { batchZeroHashes } from './batchZeroHashes';
import { BatchTree } from './BatchTree';
import { buildBatchTree } from './buildBatchTree';
import { computeBatchRoot } from './computeBatchRoot';

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b): Hex => `0x${Buffer.from(b).toString('hex')}`);
const flipHexBit = (h: Hex, bit: number): Hex => {
  const x = BigInt(h) ^ (1n << BigInt(bit));
  return `0x${x.toString(16).padStart(64, '0')}`;
};

function naiveRoot(leaves: readonly Hex[], depth: number): Hex {
  let level = [...leaves];
  const zero: Hex = `0x${'00'.repeat(32)}`;
  while (level.length < 2 ** depth) level.push(zero);
  for (let d = 0; d < depth; d++) {
    const next: Hex[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(keccak256(concat([level[i]!, level[i + 1]!])));
    level = next;
  }
  return level[0]!;
}

describe('batchZeroHashes', () => {
  it('Z0 = 0, Z(i+1) = keccak(Z(i) ‖ Z(i))', () => {
    const z = batchZeroHashes(16);
    expect(z).toHaveLength(17);
    expect(z[0]).toBe(`0x${'00'.repeat(32)}`);
    // Well-known value: keccak256(bytes32(0) ‖ bytes32(0)).
    expect(z[1]).toBe('0xad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5');
    expect(() => batchZeroHashes(-1)).toThrow(InvalidTreeDepthError);
  });
});

describe('BatchTree', () => {
  it('root equals a naive rebuild and every leaf proves (property)', () => {
    fc.assert(
      fc.property(fc.array(bytes32, { minLength: 1, maxLength: 16 }), (leaves) => {
        const tree = buildBatchTree(leaves, 4);
        expect(tree.root).toBe(naiveRoot(leaves, 4));
        leaves.forEach((leaf, i) => {
          const p = tree.proof(i);
          expect(p.leaf).toBe(leaf);
          expect(computeBatchRoot(p.leaf, i, p.siblings)).toBe(tree.root);
        });
      }),
      { numRuns: 40 },
    );
  });
  it('any single-bit change of leaf, sibling or root fails (property)', () => {
    const leaves = Array.from({ length: 5 }, (_, i) => keccak256(`0x0${i}`));
    const tree = new BatchTree(leaves, 16);
    fc.assert(
      fc.property(fc.nat(4), fc.nat(255), fc.nat(16), (i, bit, which) => {
        const p = tree.proof(i);
        if (which === 16) {
          expect(computeBatchRoot(flipHexBit(p.leaf, bit), i, p.siblings)).not.toBe(p.root);
          expect(computeBatchRoot(p.leaf, i, p.siblings)).not.toBe(flipHexBit(p.root, bit));
        } else {
          const s = [...p.siblings];
          s[which] = flipHexBit(s[which]!, bit);
          expect(computeBatchRoot(p.leaf, i, s)).not.toBe(p.root);
        }
      }),
      { numRuns: 100 },
    );
  });
  it('production depth with one leaf uses zero hashes as siblings', () => {
    const leaf = keccak256('0x01');
    const tree = new BatchTree([leaf], 16);
    expect(tree.proof(0).siblings).toEqual(batchZeroHashes(15));
    expect(tree.size).toBe(1);
    expect(tree.indexOf(leaf.toUpperCase().replace('0X', '0x') as Hex)).toBe(0);
    expect(new BatchTree([], 16).root).toBe(batchZeroHashes(16)[16]);
  });
  it('typed errors', () => {
    expect(() => new BatchTree([keccak256('0x01')], 0)).toThrow(InvalidTreeDepthError);
    expect(
      () =>
        new BatchTree(
          Array.from({ length: 5 }, () => keccak256('0x01')),
          2,
        ),
    ).toThrow(TreeFullError);
    expect(() => new BatchTree(['0x01'], 2)).toThrow(InvalidBytes32Error);
    expect(() => new BatchTree([keccak256('0x01')], 2).proof(1)).toThrow(LeafIndexOutOfRangeError);
    expect(() => computeBatchRoot(keccak256('0x01'), 4, [keccak256('0x01'), keccak256('0x01')])).toThrow(
      LeafIndexOutOfRangeError,
    );
    expect(() => computeBatchRoot(keccak256('0x01'), 0, ['0x00'])).toThrow(InvalidBytes32Error);
  });
});
