import {
  InvalidSlotError,
  InvalidUpdateError,
  SlotConflictError,
  TooManyUpdatesError,
  UnexpectedBatchNumberError,
} from '../errors/aggregation';
import { TreeFullError } from '../errors/tree';
import { batchLeaf } from '../poseidon/batchLeaf';
import { BN254_FIELD_ORDER } from '../poseidon/bn254FieldOrder';
import { chainLeaf } from '../poseidon/chainLeaf';
import { poseidonZeroHashes } from '../poseidon/poseidonZeroHashes';
import { toField } from '../poseidon/toField';
import { ChainTree } from '../trees/ChainTree';
import { SharedTree } from '../trees/SharedTree';
import type { AggregationDepths, AggregationStepResult, Update, UpdateWitness } from './types';
import { updatesCommitment } from './updatesCommitment';

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
   * @returns old/new shared root, the updates commitment and exactly `k` witnesses (padding at the end).
   * @throws {TooManyUpdatesError} @throws {InvalidSlotError} @throws {SlotConflictError}
   * @throws {UnexpectedBatchNumberError} @throws {InvalidUpdateError} @throws {TreeFullError}
   */
  apply(updates: readonly Update[], k: number): AggregationStepResult {
    this.validate(updates, k);
    const oldRoot = this.shared.root;
    const witnesses: UpdateWitness[] = [];
    for (const u of updates) {
      let entry = this.chains.get(u.chainId);
      if (!entry) {
        entry = { slot: u.slot, tree: new ChainTree(this.chainDepth) };
        this.chains.set(u.chainId, entry);
        this.slotOwners.set(u.slot, u.chainId);
      }
      const batchRootField = toField(u.batchRoot);
      witnesses.push({
        enabled: 1,
        slot: u.slot,
        chainId: u.chainId,
        batchNumber: u.batchNumber,
        batchRootField,
        chainSiblings: entry.tree.appendSiblings(),
        sharedSiblings: this.shared.siblings(u.slot),
      });
      entry.tree.append(batchLeaf(u.batchRoot, u.batchNumber));
      this.shared.set(u.slot, chainLeaf(entry.tree.root, u.chainId));
    }
    while (witnesses.length < k) {
      witnesses.push({
        enabled: 0,
        slot: 0,
        chainId: 0n,
        batchNumber: 0n,
        batchRootField: 0n,
        chainSiblings: new Array<bigint>(this.chainDepth).fill(0n),
        sharedSiblings: new Array<bigint>(this.sharedDepth).fill(0n),
      });
    }
    return { oldRoot, newRoot: this.shared.root, commitment: updatesCommitment(updates), witnesses };
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
      if (typeof u.chainId !== 'bigint' || u.chainId < 0n || u.chainId >= BN254_FIELD_ORDER) {
        throw new InvalidUpdateError({ index, details: `chainId ${String(u.chainId)} is not a field element` });
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
