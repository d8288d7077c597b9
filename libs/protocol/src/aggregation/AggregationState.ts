import {
  EpochShapeError,
  InvalidSlotError,
  InvalidUpdateError,
  SlotConflictError,
  TooManyUpdatesError,
  UnexpectedBatchNumberError,
} from '../errors/aggregation';
import { TreeFullError } from '../errors/tree';
import { batchLeaf } from '../poseidon/batchLeaf';
import { chainLeaf } from '../poseidon/chainLeaf';
import { poseidonZeroHashes } from '../poseidon/poseidonZeroHashes';
import { toField } from '../poseidon/toField';
import { ChainTree } from '../trees/ChainTree';
import { SharedTree } from '../trees/SharedTree';
import { groupUpdates, resolveShape } from './epochShape';
import { epochData } from './epochData';
import { epochPublicSignals } from './epochPublicSignals';
import type {
  AggregationDepths,
  AggregationShape,
  AggregationStepResult,
  EpochGroup,
  GroupWitness,
  Update,
} from './types';

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * The hub's aggregation state: one {@link ChainTree} per chain and the {@link SharedTree} over chain leaves.
 * `apply` performs one aggregation step (SPEC "Aggregation step") and returns the circuit's public signals and
 * witnesses. Mirrors circuits/src/aggregation.circom (checked against {@link verifyAggregationStep}) and the root
 * bookkeeping of L1 `InteropHub.submitRoot`.
 *
 * @example
 * const state = new AggregationState({ chainDepth: 20, sharedDepth: 10 });
 * const step = state.apply([{ slot: 0, chainId: 31337n, batchNumber: 0n, batchRoot }], 4);
 * step.newRoot === state.sharedRoot; // true
 */
export class AggregationState {
  readonly chainDepth: number;
  readonly sharedDepth: number;
  private shared: SharedTree;
  private chains = new Map<bigint, { slot: number; tree: ChainTree }>();
  private slotOwners = new Map<number, bigint>();

  constructor({ chainDepth, sharedDepth }: AggregationDepths) {
    this.chainDepth = chainDepth;
    this.sharedDepth = sharedDepth;
    this.shared = new SharedTree(sharedDepth);
    poseidonZeroHashes(chainDepth);
  }

  /** Current shared root (the genesis root `Zs(sharedDepth)` before any update). */
  get sharedRoot(): bigint {
    return this.shared.root;
  }

  /** The shared tree (read it, do not mutate it: use `apply`). */
  get sharedTree(): SharedTree {
    return this.shared;
  }

  /** Chain root of `chainId` (the empty-tree root if it has no batch yet). */
  chainRoot(chainId: bigint): bigint {
    return this.chains.get(chainId)?.tree.root ?? (poseidonZeroHashes(this.chainDepth)[this.chainDepth] as bigint);
  }

  /** Number of aggregated batches of `chainId` (= its next batch number). */
  chainSize(chainId: bigint): number {
    return this.chains.get(chainId)?.tree.size ?? 0;
  }

  /** The chain tree of `chainId`, if it has at least one batch (read it, do not mutate it). */
  chainTree(chainId: bigint): ChainTree | undefined {
    return this.chains.get(chainId)?.tree;
  }

  /** The slot `chainId` used, if it has at least one batch. */
  slotOf(chainId: bigint): number | undefined {
    return this.chains.get(chainId)?.slot;
  }

  /** An independent deep copy (e.g. to try a step without committing to it). */
  clone(): AggregationState {
    const copy = new AggregationState({ chainDepth: this.chainDepth, sharedDepth: this.sharedDepth });
    copy.shared = this.shared.clone();
    for (const [chainId, entry] of this.chains)
      copy.chains.set(chainId, { slot: entry.slot, tree: entry.tree.clone() });
    copy.slotOwners = new Map(this.slotOwners);
    return copy;
  }

  /**
   * Applies up to `k` updates in order and mutates the state. All updates are validated before anything changes,
   * so a rejected step leaves the state as it was.
   *
   * `shape` is the circuit's epoch shape (SPEC "Epoch shape"): the updates are split into groups by
   * {@link groupUpdates} and must need at most `k / groupSize` of them. A bare number `k` means groups of 1 (any
   * list fits; the witnesses then only suit a circuit with groupSize 1 — pass the real shape to prove).
   *
   * @returns old/new shared root, the groups with their chain roots, the chain root after each update, the epoch
   *   data and public signals (SPEC "Epoch data") and exactly `k / groupSize` group witnesses (empty groups at the
   *   end).
   * @throws {TooManyUpdatesError} @throws {InvalidSlotError} @throws {SlotConflictError}
   * @throws {UnexpectedBatchNumberError} @throws {InvalidUpdateError} @throws {TreeFullError}
   * @throws {EpochShapeError} the updates need more groups than the shape has.
   */
  apply(updates: readonly Update[], shape: number | AggregationShape): AggregationStepResult {
    const { k, groupSize, groups: groupCount, log2GroupSize } = resolveShape(shape);
    this.validate(updates, k);
    const groups = groupUpdates(updates, groupSize);
    if (groups.length > groupCount) {
      throw new EpochShapeError({
        details:
          `${updates.length} update(s) need ${groups.length} groups of ${groupSize} (one chain, consecutive, ` +
          `inside one aligned block each); the circuit has ${groupCount}`,
      });
    }
    const zeros = poseidonZeroHashes(this.chainDepth);
    const oldRoot = this.shared.root;
    const witnesses: GroupWitness[] = [];
    const epochGroups: EpochGroup[] = [];
    const chainRoots: bigint[] = [];
    for (const group of groups) {
      const head = group[0]!;
      let entry = this.chains.get(head.chainId);
      if (!entry) {
        entry = { slot: head.slot, tree: new ChainTree(this.chainDepth) };
        this.chains.set(head.chainId, entry);
        this.slotOwners.set(head.slot, head.chainId);
      }
      // Siblings of the group's first position in the tree as it is now (right of it: empty subtrees).
      const siblings = entry.tree.appendSiblings();
      const witness: GroupWitness = {
        enabled: [],
        slot: head.slot,
        chainId: head.chainId,
        firstBatch: head.batchNumber,
        batchRootFields: [],
        lowSiblings: siblings.slice(0, log2GroupSize),
        upperSiblings: siblings.slice(log2GroupSize),
        sharedSiblings: this.shared.siblings(head.slot),
      };
      for (const u of group) {
        witness.enabled.push(1);
        witness.batchRootFields.push(toField(u.batchRoot));
        entry.tree.append(batchLeaf(u.batchRoot, u.batchNumber));
        chainRoots.push(entry.tree.root);
      }
      while (witness.enabled.length < groupSize) {
        witness.enabled.push(0);
        witness.batchRootFields.push(0n);
      }
      this.shared.set(head.slot, chainLeaf(entry.tree.root, head.chainId));
      witnesses.push(witness);
      epochGroups.push({
        slot: head.slot,
        chainId: head.chainId,
        firstBatch: head.batchNumber,
        chainRoot: entry.tree.root,
        batchRoots: group.map((u) => u.batchRoot),
      });
    }
    while (witnesses.length < groupCount) {
      witnesses.push({
        enabled: new Array<0 | 1>(groupSize).fill(0),
        slot: 0,
        chainId: 0n,
        firstBatch: 0n,
        batchRootFields: new Array<bigint>(groupSize).fill(0n),
        // The empty chain tree's path of leaf 0: the circuit checks it even for an empty group.
        lowSiblings: zeros.slice(0, log2GroupSize),
        upperSiblings: zeros.slice(log2GroupSize, this.chainDepth),
        sharedSiblings: new Array<bigint>(this.sharedDepth).fill(0n),
      });
    }
    const newRoot = this.shared.root;
    const data = epochData(oldRoot, newRoot, epochGroups, { k, groupSize });
    return {
      oldRoot,
      newRoot,
      groups: epochGroups,
      chainRoots,
      data,
      publicSignals: epochPublicSignals(data),
      witnesses,
    };
  }

  private validate(updates: readonly Update[], k: number): void {
    if (!Number.isInteger(k) || k < 1 || updates.length > k)
      throw new TooManyUpdatesError({ count: updates.length, k });
    const capacity = 2 ** this.sharedDepth;
    const chainCapacity = 2n ** BigInt(this.chainDepth);
    // Effects of earlier updates of this step, so later ones are checked against them.
    const pendingSize = new Map<bigint, bigint>();
    const pendingSlot = new Map<bigint, number>();
    const pendingOwner = new Map<number, bigint>();
    updates.forEach((u, index) => {
      if (!Number.isInteger(u.slot) || u.slot < 0 || u.slot >= capacity) {
        throw new InvalidSlotError({ slot: u.slot, capacity });
      }
      if (typeof u.chainId !== 'bigint' || u.chainId < 0n || u.chainId >= 1n << 64n) {
        throw new InvalidUpdateError({ index, details: `chainId ${String(u.chainId)} is not a uint64` });
      }
      if (typeof u.batchRoot !== 'string' || !BYTES32.test(u.batchRoot)) {
        throw new InvalidUpdateError({ index, details: `batchRoot ${String(u.batchRoot)} is not bytes32` });
      }
      const slot = pendingSlot.get(u.chainId) ?? this.chains.get(u.chainId)?.slot;
      if (slot !== undefined && slot !== u.slot) {
        throw new SlotConflictError({
          slot: u.slot,
          chainId: u.chainId,
          details: `the chain already uses slot ${slot}`,
        });
      }
      const owner = pendingOwner.get(u.slot) ?? this.slotOwners.get(u.slot);
      if (owner !== undefined && owner !== u.chainId) {
        throw new SlotConflictError({
          slot: u.slot,
          chainId: u.chainId,
          details: `the slot belongs to chain ${owner}`,
        });
      }
      const expected = pendingSize.get(u.chainId) ?? BigInt(this.chainSize(u.chainId));
      if (u.batchNumber !== expected) {
        throw new UnexpectedBatchNumberError({ chainId: u.chainId, expected, actual: u.batchNumber });
      }
      if (expected >= chainCapacity) throw new TreeFullError({ depth: this.chainDepth });
      pendingSize.set(u.chainId, expected + 1n);
      pendingSlot.set(u.chainId, u.slot);
      pendingOwner.set(u.slot, u.chainId);
    });
  }
}
