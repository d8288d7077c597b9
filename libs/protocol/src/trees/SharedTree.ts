import { LeafIndexOutOfRangeError } from '../errors/tree';
import { poseidon2 } from '../poseidon/poseidon';
import { poseidonZeroHashes } from '../poseidon/poseidonZeroHashes';
import { assertDepth } from './assertDepth';
import { assertField } from './assertField';
import type { PoseidonProof } from './poseidonProof';

/**
 * Sparse Poseidon Merkle tree with one slot per registered chain (SPEC "Shared tree"); its root is the shared root.
 * Stores only nodes that differ from the zero hash of their level, so memory is O(slots used * depth) and `set`
 * costs `depth` hashes. Mirrors the shared tree of contracts/src/libraries/PoseidonMerkle.sol and
 * circuits/src/aggregation.circom.
 *
 * @example
 * const tree = new SharedTree(10);
 * tree.set(0, chainLeaf(chainRoot, 31337n));
 * const p = tree.proof(0);
 * computePoseidonRoot(p.leaf, 0, p.siblings) === tree.root; // true
 */
export class SharedTree {
  readonly depth: number;
  private readonly zeros: readonly bigint[];
  /** nodes[l]: index -> value, only for values different from zeros[l]. */
  private readonly nodes: Map<number, bigint>[];

  constructor(depth: number) {
    assertDepth(depth);
    this.depth = depth;
    this.zeros = poseidonZeroHashes(depth);
    this.nodes = Array.from({ length: depth + 1 }, () => new Map<number, bigint>());
  }

  /** Number of slots (2^depth). */
  get capacity(): number {
    return 2 ** this.depth;
  }

  /** Current root (`Zs(depth)` when every slot is empty: the genesis shared root). */
  get root(): bigint {
    return this.at(this.depth, 0);
  }

  /** Leaf at `slot` (0 when empty). @throws {LeafIndexOutOfRangeError} if the slot is outside the tree. */
  get(slot: number): bigint {
    this.assertSlot(slot);
    return this.at(0, slot);
  }

  /**
   * Sets the leaf at `slot` and rehashes its path (depth hashes).
   * @throws {LeafIndexOutOfRangeError} @throws {FieldElementOutOfRangeError}
   */
  set(slot: number, leaf: bigint): void {
    this.assertSlot(slot);
    assertField(leaf, 'leaf');
    this.put(0, slot, leaf);
    let j = slot;
    let node = leaf;
    for (let level = 0; level < this.depth; level++) {
      const sibling = this.at(level, j ^ 1);
      node = j % 2 === 0 ? poseidon2(node, sibling) : poseidon2(sibling, node);
      j = Math.floor(j / 2);
      this.put(level + 1, j, node);
    }
  }

  /** Siblings of `slot`, leaf level up. */
  siblings(slot: number): bigint[] {
    this.assertSlot(slot);
    const siblings = new Array<bigint>(this.depth);
    let j = slot;
    for (let level = 0; level < this.depth; level++) {
      siblings[level] = this.at(level, j ^ 1);
      j = Math.floor(j / 2);
    }
    return siblings;
  }

  /** Proof of the leaf at `slot` against the current root. */
  proof(slot: number): PoseidonProof {
    return { leaf: this.get(slot), index: slot, siblings: this.siblings(slot), root: this.root };
  }

  /** An independent copy. */
  clone(): SharedTree {
    const copy = new SharedTree(this.depth);
    this.nodes.forEach((level, l) => level.forEach((v, k) => (copy.nodes[l] as Map<number, bigint>).set(k, v)));
    return copy;
  }

  private at(level: number, j: number): bigint {
    return (this.nodes[level] as Map<number, bigint>).get(j) ?? (this.zeros[level] as bigint);
  }

  private put(level: number, j: number, value: bigint): void {
    const map = this.nodes[level] as Map<number, bigint>;
    if (value === this.zeros[level]) map.delete(j);
    else map.set(j, value);
  }

  private assertSlot(slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.capacity) {
      throw new LeafIndexOutOfRangeError({ index: slot, limit: this.capacity, what: 'slot' });
    }
  }
}
