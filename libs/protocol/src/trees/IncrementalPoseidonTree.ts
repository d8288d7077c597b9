import { InvalidPathLengthError, LeafIndexOutOfRangeError, TreeFullError } from '../errors/tree';
import { poseidon2 } from '../poseidon/poseidon';
import { poseidonZeroHashes } from '../poseidon/poseidonZeroHashes';
import { assertDepth } from './assertDepth';
import { assertField } from './assertField';

/**
 * Append-only Poseidon Merkle tree that keeps only its frontier (O(depth) memory): enough to append and to give the
 * siblings of the next append, not to prove older leaves (use {@link ChainTree} for that).
 * Mirrors the append logic of contracts/src/libraries/PoseidonMerkle.sol; `appendSiblings()` is the witness
 * circuits/src/aggregation.circom needs to insert the next leaf.
 *
 * @example
 * const tree = new IncrementalPoseidonTree(20);
 * const siblings = tree.appendSiblings();
 * tree.append(leaf);
 * computePoseidonRoot(leaf, 0, siblings) === tree.root; // true
 */
export class IncrementalPoseidonTree {
  readonly depth: number;
  private readonly zeros: readonly bigint[];
  /** frontier[i] = the latest node at level i that is a left child (valid where bit i of size is 1). */
  private readonly frontier: bigint[];
  private _size = 0;
  private _root: bigint;

  constructor(depth: number) {
    assertDepth(depth);
    this.depth = depth;
    this.zeros = poseidonZeroHashes(depth);
    this.frontier = this.zeros.slice(0, depth);
    this._root = this.zeros[depth] as bigint;
  }

  /**
   * A tree restored from its frontier, without its leaves (O(depth) hashes): `frontier` is what `appendSiblings()`
   * returned when the tree held `size` leaves. Entry `i` is read only where bit `i` of `size` is 1 (the left node at
   * level `i` the next appends pair with); the other entries are the empty subtrees and are not read. What a process
   * stores to continue a tree after a restart (apps/chain keeps it with every sealed batch). A full tree (`size =
   * 2^depth`) cannot be restored this way: nothing can be appended to it, and its root is not a function of its
   * frontier.
   *
   * @throws {InvalidTreeDepthError} on a bad depth. @throws {LeafIndexOutOfRangeError} unless 0 <= size < 2^depth.
   * @throws {InvalidPathLengthError} unless `frontier` has `depth` entries.
   * @throws {FieldElementOutOfRangeError} if an entry is not a field element.
   *
   * @example
   * const saved = { size: tree.size, frontier: tree.appendSiblings() };
   * IncrementalPoseidonTree.fromFrontier(tree.depth, saved.size, saved.frontier).root === tree.root; // true
   */
  static fromFrontier(depth: number, size: number, frontier: readonly bigint[]): IncrementalPoseidonTree {
    const tree = new IncrementalPoseidonTree(depth);
    if (!Number.isInteger(size) || size < 0 || size >= 2 ** depth) {
      throw new LeafIndexOutOfRangeError({ index: size, limit: 2 ** depth, what: 'tree size' });
    }
    if (frontier.length !== depth) {
      throw new InvalidPathLengthError({ what: 'frontier', expected: depth, actual: frontier.length });
    }
    frontier.forEach((node, level) => assertField(node, `frontier[${level}]`));
    // The root is the fold of the empty leaf at index `size` (every leaf from `size` on is empty).
    let index = size;
    let node = tree.zeros[0] as bigint;
    for (let level = 0; level < depth; level++) {
      if (index % 2 === 1) {
        const left = frontier[level] as bigint;
        tree.frontier[level] = left;
        node = poseidon2(left, node);
      } else {
        node = poseidon2(node, tree.zeros[level] as bigint);
      }
      index = Math.floor(index / 2);
    }
    tree._size = size;
    tree._root = node;
    return tree;
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this._size;
  }

  /** Current root (the empty-tree root when nothing was appended). */
  get root(): bigint {
    return this._root;
  }

  /** Siblings (leaf level up) of the leaf the next `append` will place at index `size`. */
  appendSiblings(): bigint[] {
    if (this._size >= 2 ** this.depth) throw new TreeFullError({ depth: this.depth });
    const siblings = new Array<bigint>(this.depth);
    let index = this._size;
    for (let level = 0; level < this.depth; level++) {
      siblings[level] = index % 2 === 1 ? (this.frontier[level] as bigint) : (this.zeros[level] as bigint);
      index = Math.floor(index / 2);
    }
    return siblings;
  }

  /**
   * Appends a leaf at index `size` (depth hashes) and returns its index.
   * @throws {TreeFullError} when 2^depth leaves are stored. @throws {FieldElementOutOfRangeError} on a bad leaf.
   */
  append(leaf: bigint): number {
    assertField(leaf, 'leaf');
    if (this._size >= 2 ** this.depth) throw new TreeFullError({ depth: this.depth });
    const leafIndex = this._size;
    let index = leafIndex;
    let node = leaf;
    for (let level = 0; level < this.depth; level++) {
      if (index % 2 === 0) {
        this.frontier[level] = node;
        node = poseidon2(node, this.zeros[level] as bigint);
      } else {
        node = poseidon2(this.frontier[level] as bigint, node);
      }
      index = Math.floor(index / 2);
    }
    this._root = node;
    this._size = leafIndex + 1;
    return leafIndex;
  }

  /** An independent copy. */
  clone(): IncrementalPoseidonTree {
    const copy = new IncrementalPoseidonTree(this.depth);
    for (let i = 0; i < this.depth; i++) copy.frontier[i] = this.frontier[i] as bigint;
    copy._size = this._size;
    copy._root = this._root;
    return copy;
  }
}
