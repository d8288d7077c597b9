import fc from 'fast-check';
import { FieldElementOutOfRangeError } from '../errors/field';
import { InvalidPathLengthError, InvalidTreeDepthError, LeafIndexOutOfRangeError, TreeFullError } from '../errors/tree';
import { BN254_FIELD_ORDER } from '../poseidon/bn254FieldOrder';
import { poseidon2 } from '../poseidon/poseidon';
import { poseidonZeroHashes } from '../poseidon/poseidonZeroHashes';
import { flipBit } from '../testing/flipBit';
import { ChainTree } from './ChainTree';
import { computePoseidonRoot, verifyPoseidonPath } from './computePoseidonRoot';
import { IncrementalPoseidonTree } from './IncrementalPoseidonTree';
import { SharedTree } from './SharedTree';

const field = fc.bigInt({ min: 0n, max: BN254_FIELD_ORDER - 1n });

/** Reference: the root of a full binary tree over `leaves` padded with zeros, by plain recomputation. */
function naiveRoot(leaves: readonly bigint[], depth: number): bigint {
  let level = [...leaves];
  while (level.length < 2 ** depth) level.push(0n);
  for (let d = 0; d < depth; d++) {
    const next: bigint[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(poseidon2(level[i]!, level[i + 1]!));
    level = next;
  }
  return level[0]!;
}

describe('computePoseidonRoot', () => {
  it('folds left/right by the index bits', () => {
    const [a, b, c] = [11n, 22n, 33n];
    expect(computePoseidonRoot(a, 0, [b, c])).toBe(poseidon2(poseidon2(a, b), c));
    expect(computePoseidonRoot(a, 1, [b, c])).toBe(poseidon2(poseidon2(b, a), c));
    expect(computePoseidonRoot(a, 2n, [b, c])).toBe(poseidon2(c, poseidon2(a, b)));
    expect(verifyPoseidonPath).toBe(computePoseidonRoot);
  });
  it('rejects an index that does not fit the path', () => {
    expect(() => computePoseidonRoot(1n, 4, [0n, 0n])).toThrow(LeafIndexOutOfRangeError);
    expect(() => computePoseidonRoot(1n, -1, [0n, 0n])).toThrow(LeafIndexOutOfRangeError);
  });
});

describe('IncrementalPoseidonTree', () => {
  it('starts at the empty root and matches a naive rebuild after each append', () => {
    const tree = new IncrementalPoseidonTree(3);
    expect(tree.root).toBe(poseidonZeroHashes(3)[3]);
    const leaves: bigint[] = [];
    for (let i = 0; i < 8; i++) {
      const siblings = tree.appendSiblings();
      const leaf = BigInt(1000 + i);
      leaves.push(leaf);
      expect(tree.append(leaf)).toBe(i);
      expect(tree.size).toBe(i + 1);
      expect(tree.root).toBe(naiveRoot(leaves, 3));
      expect(computePoseidonRoot(leaf, i, siblings)).toBe(tree.root);
      expect(computePoseidonRoot(0n, i, siblings)).toBe(naiveRoot(leaves.slice(0, -1), 3));
    }
    expect(() => tree.append(1n)).toThrow(TreeFullError);
    expect(() => tree.appendSiblings()).toThrow(TreeFullError);
  });
  it('rejects bad leaves and depths, and clones independently', () => {
    const tree = new IncrementalPoseidonTree(2);
    expect(() => tree.append(BN254_FIELD_ORDER)).toThrow(FieldElementOutOfRangeError);
    expect(tree.size).toBe(0);
    expect(() => new IncrementalPoseidonTree(0)).toThrow(InvalidTreeDepthError);
    tree.append(5n);
    const copy = tree.clone();
    copy.append(6n);
    expect(tree.size).toBe(1);
    expect(copy.root).toBe(naiveRoot([5n, 6n], 2));
    expect(tree.root).toBe(naiveRoot([5n], 2));
  });
});

describe('lazy roots (IncrementalPoseidonTree, ChainTree)', () => {
  it('roots read at arbitrary points, or only at the end, match a naive rebuild; ChainTree siblings match (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(field, fc.boolean()), { minLength: 1, maxLength: 16 }),
        fc.integer({ min: 4, max: 6 }),
        (ops, depth) => {
          const inc = new IncrementalPoseidonTree(depth);
          const chain = new ChainTree(depth);
          const leaves: bigint[] = [];
          for (const [leaf, read] of ops) {
            expect(chain.appendSiblings()).toEqual(inc.appendSiblings());
            inc.append(leaf);
            chain.append(leaf);
            leaves.push(leaf);
            if (read) {
              const expected = naiveRoot(leaves, depth);
              expect(inc.root).toBe(expected);
              expect(chain.root).toBe(expected);
            }
          }
          const expected = naiveRoot(leaves, depth);
          expect(inc.root).toBe(expected);
          expect(chain.root).toBe(expected);
          // Proofs against every older size after the caches were filled in another order.
          for (let size = leaves.length; size >= 1; size--) {
            const p = chain.proof(size - 1, size);
            expect(computePoseidonRoot(p.leaf, p.index, p.siblings)).toBe(naiveRoot(leaves.slice(0, size), depth));
          }
        },
      ),
      { numRuns: 25 },
    );
  });
  it('a full tree keeps its root', () => {
    const inc = new IncrementalPoseidonTree(2);
    const chain = new ChainTree(2);
    for (const leaf of [1n, 2n, 3n, 4n]) {
      inc.append(leaf);
      chain.append(leaf);
    }
    expect(inc.root).toBe(naiveRoot([1n, 2n, 3n, 4n], 2));
    expect(chain.root).toBe(inc.root);
    expect(inc.clone().root).toBe(inc.root);
    expect(() => chain.append(5n)).toThrow(TreeFullError);
    expect(() => chain.appendSiblings()).toThrow(TreeFullError);
  });
  it('a clone of a ChainTree grows independently of its cached roots', () => {
    const tree = new ChainTree(3);
    tree.append(1n);
    tree.append(2n);
    expect(tree.root).toBe(naiveRoot([1n, 2n], 3));
    const copy = tree.clone();
    tree.append(3n);
    copy.append(4n);
    expect(tree.root).toBe(naiveRoot([1n, 2n, 3n], 3));
    expect(copy.root).toBe(naiveRoot([1n, 2n, 4n], 3));
    expect(copy.rootAt(2)).toBe(tree.rootAt(2));
  });
});

describe('IncrementalPoseidonTree.fromFrontier', () => {
  it('restores every size from appendSiblings() and continues like the original (property)', () => {
    fc.assert(
      fc.property(
        fc.array(field, { minLength: 8, maxLength: 8 }),
        fc.array(field, { minLength: 3, maxLength: 3 }),
        (leaves, noise) => {
          const tree = new IncrementalPoseidonTree(3);
          for (let size = 0; size < 8; size++) {
            const frontier = tree.appendSiblings();
            const restored = IncrementalPoseidonTree.fromFrontier(3, size, frontier);
            expect(restored.size).toBe(size);
            expect(restored.root).toBe(tree.root);
            // Entries where bit i of size is 0 are empty subtrees: not read, whatever they hold.
            const noisy = frontier.map((f, i) => ((size >> i) & 1 ? f : noise[i]!));
            expect(IncrementalPoseidonTree.fromFrontier(3, size, noisy).root).toBe(tree.root);
            for (const leaf of leaves.slice(size)) restored.append(leaf);
            expect(restored.root).toBe(naiveRoot(leaves, 3));
            tree.append(leaves[size]!);
          }
        },
      ),
      { numRuns: 20 },
    );
  });
  it('refuses a full or out-of-range size, a wrong frontier length and non-field entries', () => {
    const tree = new IncrementalPoseidonTree(2);
    tree.append(7n);
    const frontier = tree.appendSiblings();
    expect(() => IncrementalPoseidonTree.fromFrontier(2, 4, frontier)).toThrow(LeafIndexOutOfRangeError);
    expect(() => IncrementalPoseidonTree.fromFrontier(2, -1, frontier)).toThrow(LeafIndexOutOfRangeError);
    expect(() => IncrementalPoseidonTree.fromFrontier(2, 1.5, frontier)).toThrow(LeafIndexOutOfRangeError);
    expect(() => IncrementalPoseidonTree.fromFrontier(2, 1, [7n])).toThrow(InvalidPathLengthError);
    expect(() => IncrementalPoseidonTree.fromFrontier(2, 1, [BN254_FIELD_ORDER, 0n])).toThrow(
      FieldElementOutOfRangeError,
    );
    expect(() => IncrementalPoseidonTree.fromFrontier(0, 0, [])).toThrow(InvalidTreeDepthError);
    expect(IncrementalPoseidonTree.fromFrontier(2, 1, frontier).root).toBe(naiveRoot([7n], 2));
  });
});

describe('ChainTree', () => {
  it('proves every leaf at every historical size (property)', () => {
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 8 }), (leaves) => {
        const tree = new ChainTree(3);
        leaves.forEach((l) => tree.append(l));
        for (let size = 0; size <= leaves.length; size++) {
          expect(tree.rootAt(size)).toBe(naiveRoot(leaves.slice(0, size), 3));
          for (let i = 0; i < size; i++) {
            const p = tree.proof(i, size);
            expect(p.leaf).toBe(leaves[i]);
            expect(p.root).toBe(tree.rootAt(size));
            expect(computePoseidonRoot(p.leaf, p.index, p.siblings)).toBe(p.root);
          }
        }
        expect(tree.root).toBe(tree.rootAt(tree.size));
      }),
      { numRuns: 15 },
    );
  });
  it('fails verification on any single-bit change of leaf, sibling or root (property)', () => {
    const tree = new ChainTree(3);
    for (let i = 0; i < 5; i++) tree.append(BigInt(77 + i));
    fc.assert(
      fc.property(fc.nat(4), fc.integer({ min: 1, max: 5 }), fc.nat(252), fc.nat(3), (i, size, bit, what) => {
        fc.pre(i < size);
        const p = tree.proof(i, size);
        const siblings = [...p.siblings];
        let leaf = p.leaf;
        let root = p.root;
        if (what === 0) leaf = flipBit(leaf, bit);
        else if (what === 1) root = flipBit(root, bit);
        else siblings[bit % 3] = flipBit(siblings[bit % 3]!, bit);
        let computed: bigint | undefined;
        try {
          computed = computePoseidonRoot(leaf, p.index, siblings);
        } catch (e) {
          expect(e).toBeInstanceOf(FieldElementOutOfRangeError); // a flip can push a value >= r
        }
        expect(computed).not.toBe(root);
      }),
      { numRuns: 60 },
    );
  });
  it('rejects out-of-range proofs and keeps clones independent', () => {
    const tree = new ChainTree(2);
    tree.append(1n);
    expect(() => tree.proof(1)).toThrow(LeafIndexOutOfRangeError);
    expect(() => tree.proof(0, 0)).toThrow(LeafIndexOutOfRangeError);
    expect(() => tree.rootAt(2)).toThrow(LeafIndexOutOfRangeError);
    expect(() => tree.leaf(3)).toThrow(LeafIndexOutOfRangeError);
    const copy = tree.clone();
    copy.append(2n);
    expect(tree.size).toBe(1);
    expect(copy.proof(0, 1).root).toBe(tree.root);
    expect(copy.root).toBe(naiveRoot([1n, 2n], 2));
    for (let i = 2; i < 4; i++) copy.append(BigInt(i + 1));
    expect(() => copy.append(9n)).toThrow(TreeFullError);
  });
  it('appends at production depth with proofs that verify', () => {
    const tree = new ChainTree(20);
    for (let i = 0; i < 37; i++) tree.append(BigInt(i * 3 + 1));
    const p = tree.proof(20, 30);
    expect(computePoseidonRoot(p.leaf, 20, p.siblings)).toBe(tree.rootAt(30));
    expect(tree.rootAt(0)).toBe(poseidonZeroHashes(20)[20]);
  });
});

describe('SharedTree', () => {
  it('every slot proves and verifies after random sets (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), field), { maxLength: 10 }), (ops) => {
        const tree = new SharedTree(2);
        const slots = [0n, 0n, 0n, 0n];
        for (const [slot, leaf] of ops) {
          tree.set(slot, leaf);
          slots[slot] = leaf;
        }
        expect(tree.root).toBe(naiveRoot(slots, 2));
        for (let s = 0; s < 4; s++) {
          const p = tree.proof(s);
          expect(tree.get(s)).toBe(slots[s]);
          expect(computePoseidonRoot(p.leaf, p.index, p.siblings)).toBe(tree.root);
        }
      }),
      { numRuns: 30 },
    );
  });
  it('a bit flip in a sibling or leaf breaks the proof', () => {
    const tree = new SharedTree(10);
    tree.set(5, 55n);
    tree.set(700, 7n);
    const p = tree.proof(700);
    expect(computePoseidonRoot(p.leaf, 700, p.siblings)).toBe(tree.root);
    for (let level = 0; level < 10; level++) {
      const s = [...p.siblings];
      s[level] = flipBit(s[level]!, level);
      expect(computePoseidonRoot(p.leaf, 700, s)).not.toBe(tree.root);
    }
    expect(computePoseidonRoot(flipBit(p.leaf, 0), 700, p.siblings)).not.toBe(tree.root);
  });
  it('genesis root is Zs(depth); setting back to 0 restores it; errors are typed', () => {
    const tree = new SharedTree(10);
    expect(tree.root).toBe(poseidonZeroHashes(10)[10]);
    tree.set(3, 9n);
    const copy = tree.clone();
    tree.set(3, 0n);
    expect(tree.root).toBe(poseidonZeroHashes(10)[10]);
    expect(copy.get(3)).toBe(9n);
    expect(() => tree.set(1024, 1n)).toThrow(LeafIndexOutOfRangeError);
    expect(() => tree.get(-1)).toThrow(LeafIndexOutOfRangeError);
    expect(() => tree.set(0, -1n)).toThrow(FieldElementOutOfRangeError);
  });
});
