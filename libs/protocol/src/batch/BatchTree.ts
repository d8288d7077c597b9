import type { Hex } from 'viem';
import { keccakPair } from '../bytes/keccak';
import { InvalidBytes32Error } from '../errors/field';
import { InvalidTreeDepthError, LeafIndexOutOfRangeError, TreeFullError } from '../errors/tree';
import { batchZeroHashes } from './batchZeroHashes';

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/** A keccak batch-tree proof: leaf, index, `depth` siblings from the leaf level up, and the root. */
export type BatchProof = { leaf: Hex; index: number; siblings: Hex[]; root: Hex };

/**
 * Keccak Merkle tree of one batch's message leaves (SPEC "Batch tree"), fixed depth, empty leaves = zero hashes.
 * Built once from its leaves: only the non-empty prefix of each level is stored (O(n) memory and hashes plus depth),
 * so a depth-16 tree of a few messages is cheap. Mirrors contracts/src/libraries/BatchMerkle.sol.
 *
 * @example
 * const tree = new BatchTree(leaves, 16);
 * const p = tree.proof(0);
 * computeBatchRoot(p.leaf, 0, p.siblings) === tree.root; // true
 */
export class BatchTree {
  readonly depth: number;
  /** levels[l] = the nodes of level l that have at least one non-empty leaf below them. */
  private readonly levels: Hex[][];
  private readonly zeros: readonly Hex[];
  /** leaf -> index of its first occurrence, built on the first `indexOf`. */
  private index: Map<Hex, number> | undefined;

  constructor(leaves: readonly Hex[], depth: number) {
    if (!Number.isInteger(depth) || depth < 1 || depth > 32) throw new InvalidTreeDepthError({ depth, max: 32 });
    if (leaves.length > 2 ** depth) throw new TreeFullError({ depth });
    leaves.forEach((l, i) => {
      if (!BYTES32.test(l)) throw new InvalidBytes32Error({ value: l, name: `leaves[${i}]` });
    });
    this.depth = depth;
    this.zeros = batchZeroHashes(depth);
    this.levels = [leaves.map((l) => l.toLowerCase() as Hex)];
    for (let level = 0; level < depth; level++) {
      const below = this.levels[level] as Hex[];
      const above: Hex[] = [];
      for (let j = 0; j < below.length; j += 2) {
        above.push(keccakPair(below[j] as Hex, below[j + 1] ?? (this.zeros[level] as Hex)));
      }
      this.levels.push(above);
    }
  }

  /** Number of (non-padding) leaves. */
  get size(): number {
    return (this.levels[0] as Hex[]).length;
  }

  /** The batch root (`Z(depth)` for an empty tree). */
  get root(): Hex {
    return (this.levels[this.depth] as Hex[])[0] ?? (this.zeros[this.depth] as Hex);
  }

  /** Index of the first occurrence of `leaf`, or -1. O(1) after the first call (which indexes every leaf once). */
  indexOf(leaf: Hex): number {
    if (!this.index) {
      this.index = new Map();
      const leaves = this.levels[0] as Hex[];
      for (let i = leaves.length - 1; i >= 0; i--) this.index.set(leaves[i] as Hex, i);
    }
    return this.index.get(leaf.toLowerCase() as Hex) ?? -1;
  }

  /** Proof of the leaf at `index`. @throws {LeafIndexOutOfRangeError} if `index >= size`. */
  proof(index: number): BatchProof {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new LeafIndexOutOfRangeError({ index, limit: this.size });
    }
    const siblings: Hex[] = [];
    let j = index;
    for (let level = 0; level < this.depth; level++) {
      siblings.push((this.levels[level] as Hex[])[j ^ 1] ?? (this.zeros[level] as Hex));
      j = Math.floor(j / 2);
    }
    return { leaf: (this.levels[0] as Hex[])[index] as Hex, index, siblings, root: this.root };
  }
}
