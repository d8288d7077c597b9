import {
  AggregationState,
  batchLeaf,
  chainLeaf,
  computePoseidonRoot,
  fieldToBytes32,
  bytes32ToField,
} from '@interop/protocol';
import { Inject, Injectable } from '@nestjs/common';

import { BatchNotSettledError, EpochUnknownError } from '../errors/hubErrors';
import { EPOCH_SETTINGS, type EpochSettings } from '../epochs/epoch.service';
import { EpochsRepository, type EpochsStore } from '../epochs/epochs.repository';
import { toProtocolUpdate, type EpochRecord, type EpochUpdate } from '../epochs/epochTypes';

/** Path of a batch leaf to the shared root of an epoch (SPEC "Inclusion proof", the Poseidon part). */
export type BatchProof = {
  epoch: bigint;
  sharedRoot: bigint;
  chainId: bigint;
  batchNumber: bigint;
  batchRoot: string;
  batchLeaf: bigint;
  chainRoot: bigint;
  slot: number;
  chainPath: bigint[];
  sharedPath: bigint[];
};

/**
 * Read side of the settled epochs: roots, and batch proofs built from an aggregation state replayed from the DB
 * (the replay is cached and extended as epochs settle; an older epoch is replayed from genesis).
 */
@Injectable()
export class RootsService {
  private cache: { epoch: bigint; state: AggregationState } | undefined;

  constructor(
    @Inject(EpochsRepository) private readonly store: EpochsStore,
    @Inject(EPOCH_SETTINGS) private readonly settings: Pick<EpochSettings, 'chainDepth' | 'sharedDepth'>,
  ) {}

  async latest(): Promise<EpochRecord> {
    const e = await this.store.latestSettled();
    if (!e) throw new EpochUnknownError();
    return e;
  }

  async byEpoch(epoch: bigint): Promise<EpochRecord> {
    const e = await this.store.findEpoch(epoch);
    if (!e || e.status !== 'settled') throw new EpochUnknownError(epoch);
    return e;
  }

  async batchProof(chainId: bigint, batchNumber: bigint, epoch?: bigint): Promise<BatchProof> {
    const target = epoch === undefined ? await this.latest() : await this.byEpoch(epoch);
    const state = await this.stateAt(target.number);
    const tree = state.chainTree(chainId);
    const slot = state.slotOf(chainId);
    if (!tree || slot === undefined || batchNumber >= BigInt(tree.size)) {
      throw new BatchNotSettledError(chainId, batchNumber, epoch);
    }
    const chainProof = tree.proof(Number(batchNumber));
    const sharedProof = state.sharedTree.proof(slot);
    const stored = await this.findUpdate(chainId, batchNumber, target.number);
    const leaf = batchLeaf(stored.batchRoot, batchNumber);
    // Verified before it leaves: the same folds a verifier runs (libs/protocol), against the epoch's stored root.
    const chainRoot = computePoseidonRoot(leaf, batchNumber, chainProof.siblings);
    const sharedRoot = computePoseidonRoot(chainLeaf(chainRoot, chainId), slot, sharedProof.siblings);
    if (leaf !== chainProof.leaf || sharedRoot !== bytes32ToField(target.root)) {
      throw new Error(`batch proof of ${chainId}/${batchNumber} does not reach the root of epoch ${target.number}`);
    }
    return {
      epoch: target.number,
      sharedRoot,
      chainId,
      batchNumber,
      batchRoot: stored.batchRoot,
      batchLeaf: leaf,
      chainRoot,
      slot,
      chainPath: [...chainProof.siblings],
      sharedPath: [...sharedProof.siblings],
    };
  }

  /** The state after `epoch` (replayed from the settled epochs). */
  private async stateAt(epoch: bigint): Promise<AggregationState> {
    const { chainDepth, sharedDepth } = this.settings;
    let cache = this.cache && this.cache.epoch <= epoch ? this.cache : undefined;
    const state = cache ? cache.state.clone() : new AggregationState({ chainDepth, sharedDepth });
    const from = cache?.epoch ?? 0n;
    for (const e of await this.store.settledEpochs()) {
      if (e.number <= from || e.number > epoch) continue;
      // Roots do not depend on the grouping: replay with groups of one (any update list fits).
      const step = state.apply(e.updates.map(toProtocolUpdate), Math.max(1, e.updates.length));
      if (fieldToBytes32(step.newRoot) !== e.root.toLowerCase())
        throw new Error(`replay of epoch ${e.number} diverged`);
    }
    cache = { epoch, state: state.clone() };
    if (!this.cache || epoch >= this.cache.epoch) this.cache = cache;
    return state;
  }

  private async findUpdate(chainId: bigint, batchNumber: bigint, upTo: bigint): Promise<EpochUpdate> {
    for (const e of await this.store.settledEpochs()) {
      if (e.number > upTo) break;
      const u = e.updates.find((x) => x.chainId === chainId && x.batchNumber === batchNumber);
      if (u) return u;
    }
    throw new BatchNotSettledError(chainId, batchNumber, upTo);
  }
}
