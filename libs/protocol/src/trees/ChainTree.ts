import { LeafIndexOutOfRangeError, TreeFullError } from '../errors/tree';
import { poseidon2 } from '../poseidon/poseidon';
import { poseidonZeroHashes } from '../poseidon/poseidonZeroHashes';
import { assertDepth } from './assertDepth';
import { assertField } from './assertField';
import type { PoseidonProof } from './poseidonProof';

/** How many tree sizes keep their computed partial nodes (roots and proofs against them reuse them). */
const SIZES_CACHED = 64;

/**
 * Append-only Poseidon Merkle tree of one chain's batch leaves (SPEC "Chain tree"; leaf index = batch number).
 * Unlike {@link IncrementalPoseidonTree} it keeps every leaf and every complete subtree root, so it can prove any
 * stored leaf, also against an older size (the chain root some past epoch committed to).
 * An append costs O(1) amortised hashes (it closes the complete subtrees the leaf finishes); the root of a size costs
 * at most depth hashes once, then nothing: the nodes that are neither complete nor empty (one per level) are kept per
 * size for the last 64 sizes, so every proof against the same size (all the messages of an epoch) and `root` after an
 * append share them. A proof against a cached size costs no hash at all.
 * Mirrors the chain tree of contracts/src/libraries/PoseidonMerkle.sol and circuits/src/merkle.circom.
 *
 * @example
 * const tree = new ChainTree(20);
 * tree.append(batchLeaf(root0, 0n));
 * tree.append(batchLeaf(root1, 1n));
 * const p = tree.proof(0, 1); // proof of batch 0 against the root after one batch
 * computePoseidonRoot(p.leaf, p.index, p.siblings) === tree.rootAt(1); // true
 */
export class ChainTree {
  readonly depth: number;
  private readonly zeros: readonly bigint[];
  /** levels[l][j] = root of the complete subtree at level l, index j (present once all its leaves exist). */
  private readonly levels: bigint[][];
  /**
   * Per tree size: the partial nodes (neither complete nor empty) of the tree of that many leaves, keyed by
   * `level * 2^32 + index`. They depend only on the leaves below that size, which never change: valid forever.
   */
  private partials = new Map<number, Map<number, bigint>>();

  constructor(depth: number) {
    assertDepth(depth);
    this.depth = depth;
    this.zeros = poseidonZeroHashes(depth);
    this.levels = Array.from({ length: depth + 1 }, () => []);
  }

  /** Number of leaves. */
  get size(): number {
    return (this.levels[0] as bigint[]).length;
  }

  /** Current root. */
  get root(): bigint {
    return this.rootAt(this.size);
  }

  /** The stored leaf at `index`. @throws {LeafIndexOutOfRangeError} if `index >= size`. */
  leaf(index: number): bigint {
    this.assertIndex(index, this.size);
    return (this.levels[0] as bigint[])[index] as bigint;
  }

  /**
   * Siblings (leaf level up) of the leaf the next `append` will place at index `size`: at level l the complete left
   * neighbour where bit l of `size` is 1, else the empty subtree (see {@link IncrementalPoseidonTree.appendSiblings}).
   * @throws {TreeFullError}
   */
  appendSiblings(): bigint[] {
    const size = this.size;
    if (size >= 2 ** this.depth) throw new TreeFullError({ depth: this.depth });
    const siblings = new Array<bigint>(this.depth);
    let j = size;
    for (let level = 0; level < this.depth; level++) {
      siblings[level] =
        j % 2 === 1 ? ((this.levels[level] as bigint[])[j - 1] as bigint) : (this.zeros[level] as bigint);
      j = Math.floor(j / 2);
    }
    return siblings;
  }

  /** Appends a leaf at index `size` and returns that index. @throws {TreeFullError} @throws {FieldElementOutOfRangeError} */
  append(leaf: bigint): number {
    assertField(leaf, 'leaf');
    const index = this.size;
    if (index >= 2 ** this.depth) throw new TreeFullError({ depth: this.depth });
    (this.levels[0] as bigint[]).push(leaf);
    // Close every subtree this leaf completes (amortised O(1) hashes).
    let j = index;
    for (let level = 1; level <= this.depth && j % 2 === 1; level++) {
      const below = this.levels[level - 1] as bigint[];
      (this.levels[level] as bigint[]).push(poseidon2(below[j - 1] as bigint, below[j] as bigint));
      j = Math.floor(j / 2);
    }
    return index;
  }

  /** Root of the tree holding only leaves `0..size-1`. @throws {LeafIndexOutOfRangeError} if `size > this.size`. */
  rootAt(size: number): bigint {
    this.assertSize(size);
    return this.node(this.depth, 0, size, this.partialsOf(size));
  }

  /**
   * Proof of the leaf at `index` in the tree as it was when it held `atSize` leaves (default: now).
   * @throws {LeafIndexOutOfRangeError} unless `0 <= index < atSize <= size`.
   */
  proof(index: number, atSize: number = this.size): PoseidonProof {
    this.assertSize(atSize);
    this.assertIndex(index, atSize);
    const memo = this.partialsOf(atSize);
    const siblings = new Array<bigint>(this.depth);
    let j = index;
    for (let level = 0; level < this.depth; level++) {
      siblings[level] = this.node(level, j % 2 === 0 ? j + 1 : j - 1, atSize, memo);
      j = Math.floor(j / 2);
    }
    return { leaf: this.leaf(index), index, siblings, root: this.node(this.depth, 0, atSize, memo) };
  }

  /** An independent copy. */
  clone(): ChainTree {
    const copy = new ChainTree(this.depth);
    for (let l = 0; l <= this.depth; l++) (copy.levels[l] as bigint[]).push(...(this.levels[l] as bigint[]));
    // Partial nodes of sizes up to now hold in the copy too (same leaves); the copy may grow differently afterwards,
    // but only sizes it reaches later can differ, and those are not in this cache.
    copy.partials = new Map(this.partials);
    return copy;
  }

  private partialsOf(size: number): Map<number, bigint> {
    let memo = this.partials.get(size);
    if (memo) {
      // Most recently used last.
      this.partials.delete(size);
      this.partials.set(size, memo);
      return memo;
    }
    memo = new Map();
    this.partials.set(size, memo);
    if (this.partials.size > SIZES_CACHED) this.partials.delete(this.partials.keys().next().value as number);
    return memo;
  }

  /**
   * Value of node (level, j) in the tree of the first `size` leaves. Only the one node per level that straddles
   * `size` is neither stored nor zero; `memo` (that size's partial nodes) makes computing those O(depth) hashes once.
   */
  private node(level: number, j: number, size: number, memo: Map<number, bigint>): bigint {
    const span = 2 ** level;
    const first = j * span;
    if (first >= size) return this.zeros[level] as bigint;
    if (first + span <= size) return (this.levels[level] as bigint[])[j] as bigint;
    const key = level * 2 ** 32 + j;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    const value = poseidon2(this.node(level - 1, 2 * j, size, memo), this.node(level - 1, 2 * j + 1, size, memo));
    memo.set(key, value);
    return value;
  }

  private assertIndex(index: number, limit: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= limit) throw new LeafIndexOutOfRangeError({ index, limit });
  }

  private assertSize(size: number): void {
    if (!Number.isInteger(size) || size < 0 || size > this.size) {
      throw new LeafIndexOutOfRangeError({ index: size, limit: this.size + 1, what: 'tree size' });
    }
  }
}
