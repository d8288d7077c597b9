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
  /**
   * frontier[i] = the complete left node at level i that the next appends pair with (valid where bit i of size is 1);
   * frontier[depth] = the root of a full tree.
   */
  private readonly frontier: bigint[];
  private _size = 0;
  /** The root of the current size, computed on first read (undefined after an append). */
  private _root: bigint | undefined;

  constructor(depth: number) {
    assertDepth(depth);
    this.depth = depth;
    this.zeros = poseidonZeroHashes(depth);
    this.frontier = this.zeros.slice();
    this._root = this.zeros[depth];
  }

  /**
   * A tree restored from its frontier, without its leaves (no hash until the root is read, then at most depth): `frontier` is what `appendSiblings()`
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
    let index = size;
    for (let level = 0; level < depth; level++) {
      if (index % 2 === 1) tree.frontier[level] = frontier[level] as bigint;
      index = Math.floor(index / 2);
    }
    tree._size = size;
    tree._root = undefined; // folded on first read, like after an append
    return tree;
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this._size;
  }

  /**
   * Current root (the empty-tree root when nothing was appended): the fold of the empty leaf at index `size` with
   * {@link appendSiblings}, at most depth hashes, computed once per size (levels below which everything is empty cost
   * none).
   */
  get root(): bigint {
    if (this._root !== undefined) return this._root;
    let root: bigint;
    if (this._size >= 2 ** this.depth) {
      root = this.frontier[this.depth] as bigint;
    } else {
      let index = this._size;
      let node = this.zeros[0] as bigint;
      let empty = true;
      for (let level = 0; level < this.depth; level++) {
        if (index % 2 === 1) {
          node = poseidon2(this.frontier[level] as bigint, node);
          empty = false;
        } else {
          node = empty ? (this.zeros[level + 1] as bigint) : poseidon2(node, this.zeros[level] as bigint);
        }
        index = Math.floor(index / 2);
      }
      root = node;
    }
    this._root = root;
    return root;
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
   * Appends a leaf at index `size` and returns its index. Costs one hash per subtree the leaf completes (amortised
   * one); the root is folded when it is read (see {@link root}), so appending n leaves before reading it costs about
   * n hashes instead of n * depth.
   * @throws {TreeFullError} when 2^depth leaves are stored. @throws {FieldElementOutOfRangeError} on a bad leaf.
   */
  append(leaf: bigint): number {
    assertField(leaf, 'leaf');
    if (this._size >= 2 ** this.depth) throw new TreeFullError({ depth: this.depth });
    const leafIndex = this._size;
    let index = leafIndex;
    let node = leaf;
    let level = 0;
    // Binary increment of the size: every 1 bit below the first 0 is a complete left node that now pairs up.
    while (level < this.depth && index % 2 === 1) {
      node = poseidon2(this.frontier[level] as bigint, node);
      index = Math.floor(index / 2);
      level++;
    }
    this.frontier[level] = node;
    this._root = undefined;
    this._size = leafIndex + 1;
    return leafIndex;
  }

  /** An independent copy. */
  clone(): IncrementalPoseidonTree {
    const copy = new IncrementalPoseidonTree(this.depth);
    for (let i = 0; i <= this.depth; i++) copy.frontier[i] = this.frontier[i] as bigint;
    copy._size = this._size;
    copy._root = this._root;
    return copy;
  }
}
