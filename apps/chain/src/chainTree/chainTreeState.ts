import { batchLeaf, fieldToBytes32, IncrementalPoseidonTree, poseidonZeroHashes } from '@interop/protocol';
import type { Hex } from 'viem';

import type { ChainTreeFrontier } from '../domain/types';
import { ChainTreeFullError, ChainTreeMismatchError } from '../errors/chainErrors';

/**
 * The chain's own chain tree (SPEC "Chain tree": leaf `batchLeaf(batchRoot, n)` at index n) as the batcher keeps it:
 * its size, its root, and the frontier tree to append to (`tree` is null once the tree is full: a full tree restored
 * from its frontier has no append state, and needs none).
 */
export type ChainTreeState = { size: bigint; root: Hex; tree: IncrementalPoseidonTree | null };

/** The empty chain tree of `depth`. */
export function emptyChainTree(depth: number): ChainTreeState {
  return stateOf(new IncrementalPoseidonTree(depth));
}

/**
 * What is stored to continue `tree` later: its size, root and frontier (`appendSiblings()`; for a full tree, whose
 * size has no bit set below `depth`, every entry is unread, and the empty subtrees are stored).
 */
export function frontierOf(tree: IncrementalPoseidonTree): ChainTreeFrontier {
  const full = tree.size >= 2 ** tree.depth;
  return {
    size: BigInt(tree.size),
    frontier: full ? poseidonZeroHashes(tree.depth).slice(0, tree.depth) : tree.appendSiblings(),
    root: fieldToBytes32(tree.root),
  };
}

/**
 * The chain tree restored from a stored frontier in O(depth) hashes (`IncrementalPoseidonTree.fromFrontier`).
 *
 * @throws {ChainTreeMismatchError} if the row has another depth, a size beyond the tree, or does not hash to its root.
 */
export function restoreChainTree(depth: number, row: ChainTreeFrontier): ChainTreeState {
  const capacity = 2n ** BigInt(depth);
  if (row.frontier.length !== depth) {
    throw new ChainTreeMismatchError(`the stored frontier has ${row.frontier.length} levels, CHAIN_DEPTH is ${depth}`);
  }
  if (row.size < 0n || row.size > capacity) {
    throw new ChainTreeMismatchError(
      `the stored frontier holds ${row.size} batches, a tree of depth ${depth} at most ${capacity}`,
    );
  }
  if (row.size === capacity) return { size: row.size, root: row.root.toLowerCase() as Hex, tree: null };
  const tree = IncrementalPoseidonTree.fromFrontier(depth, Number(row.size), row.frontier);
  const root = fieldToBytes32(tree.root);
  if (root !== row.root.toLowerCase()) {
    throw new ChainTreeMismatchError(`the stored frontier hashes to ${root}, its row says ${row.root}`, {
      size: row.size.toString(),
    });
  }
  return stateOf(tree);
}

/**
 * The tree with batch `batchNumber` appended (the state given is left unchanged: the caller keeps the result only
 * once the batch is stored), and the frontier to store with the batch.
 *
 * @throws {ChainTreeFullError} if the tree holds 2^depth batches. @throws {ChainTreeMismatchError} if `batchNumber`
 * is not the tree's size.
 */
export function appendBatch(
  state: ChainTreeState,
  depth: number,
  batchRoot: Hex,
  batchNumber: bigint,
): { next: ChainTreeState; frontier: ChainTreeFrontier } {
  if (state.tree === null) throw new ChainTreeFullError({ chainDepth: depth, batches: state.size.toString() });
  if (batchNumber !== state.size) {
    throw new ChainTreeMismatchError(`the tree holds ${state.size} batches, the next batch number is ${batchNumber}`);
  }
  const tree = state.tree.clone();
  tree.append(batchLeaf(batchRoot, batchNumber));
  return { next: stateOf(tree), frontier: frontierOf(tree) };
}

function stateOf(tree: IncrementalPoseidonTree): ChainTreeState {
  const full = tree.size >= 2 ** tree.depth;
  return { size: BigInt(tree.size), root: fieldToBytes32(tree.root), tree: full ? null : tree };
}
