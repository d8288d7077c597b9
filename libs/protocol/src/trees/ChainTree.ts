import { LeafIndexOutOfRangeError } from '../errors/tree';
import { poseidon2 } from '../poseidon/poseidon';
import { poseidonZeroHashes } from '../poseidon/poseidonZeroHashes';
import { assertField } from './assertField';
import { IncrementalPoseidonTree } from './IncrementalPoseidonTree';
import type { PoseidonProof } from './poseidonProof';

/**
 * Append-only Poseidon Merkle tree of one chain's batch leaves (SPEC "Chain tree"; leaf index = batch number).
 * Unlike {@link IncrementalPoseidonTree} it keeps every leaf and every complete subtree root, so it can prove any
 * stored leaf, also against an older size (the chain root some past epoch committed to).
 * An append costs depth + O(1) amortised hashes; a proof or `rootAt` costs at most depth hashes.
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
  private frontier: IncrementalPoseidonTree;

  constructor(depth: number) {
    this.frontier = new IncrementalPoseidonTree(depth);
    this.depth = depth;
    this.zeros = poseidonZeroHashes(depth);
    this.levels = Array.from({ length: depth + 1 }, () => []);
  }

  /** Number of leaves. */
  get size(): number {
    return this.frontier.size;
  }

  /** Current root. */
  get root(): bigint {
    return this.frontier.root;
  }

  /** The stored leaf at `index`. @throws {LeafIndexOutOfRangeError} if `index >= size`. */
  leaf(index: number): bigint {
    this.assertIndex(index, this.size);
    return (this.levels[0] as bigint[])[index] as bigint;
  }

  /** Siblings for the next append (see {@link IncrementalPoseidonTree.appendSiblings}). */
  appendSiblings(): bigint[] {
    return this.frontier.appendSiblings();
  }

  /** Appends a leaf at index `size` and returns that index. @throws {TreeFullError} @throws {FieldElementOutOfRangeError} */
  append(leaf: bigint): number {
    assertField(leaf, 'leaf');
    const index = this.frontier.append(leaf);
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
    return this.node(this.depth, 0, size, new Map());
  }

  /**
   * Proof of the leaf at `index` in the tree as it was when it held `atSize` leaves (default: now).
   * @throws {LeafIndexOutOfRangeError} unless `0 <= index < atSize <= size`.
   */
  proof(index: number, atSize: number = this.size): PoseidonProof {
    this.assertSize(atSize);
    this.assertIndex(index, atSize);
    const memo = new Map<number, bigint>();
    const siblings = new Array<bigint>(this.depth);
    for (let level = 0; level < this.depth; level++) {
      siblings[level] = this.node(level, Math.floor(index / 2 ** level) ^ 1, atSize, memo);
    }
    return { leaf: this.leaf(index), index, siblings, root: this.node(this.depth, 0, atSize, memo) };
  }

  /** An independent copy. */
  clone(): ChainTree {
    const copy = new ChainTree(this.depth);
    for (let l = 0; l <= this.depth; l++) (copy.levels[l] as bigint[]).push(...(this.levels[l] as bigint[]));
    copy.frontier = this.frontier.clone();
    return copy;
  }

  /**
   * Value of node (level, j) in the tree of the first `size` leaves. Only the one node per level that straddles
   * `size` is neither stored nor zero; `memo` makes computing those O(depth) hashes per call.
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
