import {
  AggregationState,
  BatchTree,
  type AggregationStepResult,
  buildInclusionProofs,
  bytes32ToField,
  fieldToBytes32,
  type InclusionProof,
  type InteropMessage,
  type SettledUpdate,
  type SharedTree,
} from '@interop/protocol';
import { Inject, Injectable } from '@nestjs/common';
import type { Hex } from 'viem';

import { BRIDGE_CONFIG, type BridgeConfig } from '../config/bridgeConfig';
import { PrismaService } from '@interop/infra';

/** What the bridge knows of one settled epoch, enough to prove against its root. */
type EpochSnapshot = { root: bigint; shared: SharedTree; chainSizes: Map<bigint, number> };

/** A settled shared root as the bridge stores it (each update with the chain root its operator signed). */
export type SettledEpoch = { epoch: bigint; prevRoot: Hex; root: Hex; updates: SettledUpdate[] };

/** Outcome of checking a shared root against the replayed trees. */
export type EpochCheck = { ok: true } | { ok: false; code: string; reason: string };

/** The field element of a bytes32 root, or -1n when it is not canonical (so it never equals a real root). */
function asField(x: Hex): bigint {
  try {
    return bytes32ToField(x);
  } catch {
    return -1n;
  }
}

/**
 * Parses the `updates` JSON column of `bridge_epochs` (libs/protocol `settledUpdateToJson`, chain roots included)
 * back into `SettledUpdate`s. @throws when an update has no chain root (a row written before protocol v2, which a v2
 * network never holds: it starts from an empty database).
 */
export function updatesFromJson(json: unknown): SettledUpdate[] {
  return (json as Array<Record<string, string | number>>).map((u, i) => {
    if (typeof u.chainRoot !== 'string') throw new Error(`stored update ${i} has no chainRoot (not a v2 epoch)`);
    return {
      slot: Number(u.slot),
      chainId: BigInt(u.chainId as string),
      batchNumber: BigInt(u.batchNumber as string),
      batchRoot: u.batchRoot as Hex,
      chainRoot: u.chainRoot as Hex,
      messageCount: Number(u.messageCount),
      firstBlock: BigInt(u.firstBlock as string),
      lastBlock: BigInt(u.lastBlock as string),
    };
  });
}

/**
 * The chain trees and the shared tree rebuilt from the settled shared roots stored in `bridge_epochs`, in epoch
 * order (libs/protocol `AggregationState`), with a snapshot of the shared tree and chain sizes per epoch so that an
 * inclusion proof can be built against any settled epoch. Every bridge instance rebuilds it from the database, so
 * racing instances agree. A new shared root is trusted only if replaying its updates from the previous root gives
 * exactly its root, and the chain root after each update is the one its operator signed (the record's `chainRoot`,
 * SPEC "Authorization").
 */
@Injectable()
export class TreeStateService {
  private readonly state: AggregationState;
  private epoch = 0n;
  private readonly snapshots = new Map<bigint, EpochSnapshot>();
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(BRIDGE_CONFIG) private readonly config: Pick<BridgeConfig, 'depths'>,
  ) {
    this.state = new AggregationState(config.depths);
    this.snapshots.set(0n, {
      root: this.state.sharedRoot,
      shared: this.state.sharedTree.clone(),
      chainSizes: new Map(),
    });
  }

  /** The latest epoch applied. */
  get latestEpoch(): bigint {
    return this.epoch;
  }

  /** Applies the epochs stored since the last call (serialised: concurrent callers wait for one another). */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      const rows = await this.prisma.bridgeEpoch.findMany({
        where: { epoch: { gt: this.epoch } },
        orderBy: { epoch: 'asc' },
      });
      for (const row of rows) {
        const settled = {
          epoch: row.epoch,
          prevRoot: row.prevRoot as Hex,
          root: row.root as Hex,
          updates: updatesFromJson(row.updates),
        };
        const check = this.check(settled);
        // Stored epochs were checked before they were stored; a failure here means the database was edited.
        if (!check.ok) throw new Error(`stored epoch ${row.epoch} does not replay: ${check.reason}`);
        this.apply(settled);
      }
    });
    return this.syncing;
  }

  /**
   * Whether `settled` is the next epoch, its updates turn the current shared root into its root, and the chain root
   * after each update equals that update's signed `chainRoot`. Codes: `EPOCH_OUT_OF_ORDER`, `SHARED_ROOT_INVALID`
   * (wrong prevRoot, updates that do not apply, or another root), `CHAIN_ROOT_MISMATCH`.
   */
  check(settled: SettledEpoch): EpochCheck {
    if (settled.epoch !== this.epoch + 1n) {
      return {
        ok: false,
        code: 'EPOCH_OUT_OF_ORDER',
        reason: `expected epoch ${this.epoch + 1n}, got ${settled.epoch}`,
      };
    }
    const current = this.state.sharedRoot;
    if (asField(settled.prevRoot) !== current) {
      return {
        ok: false,
        code: 'SHARED_ROOT_INVALID',
        reason: `prevRoot ${settled.prevRoot} is not the root of epoch ${this.epoch} (${fieldToBytes32(current)})`,
      };
    }
    let step: AggregationStepResult;
    try {
      // Roots do not depend on the grouping: groups of one fit any update list (the epoch's shape is L1's concern).
      step = this.state.clone().apply(settled.updates, Math.max(1, settled.updates.length));
    } catch (e) {
      return { ok: false, code: 'SHARED_ROOT_INVALID', reason: `updates do not apply: ${(e as Error).message}` };
    }
    for (const [i, u] of settled.updates.entries()) {
      const replayed = step.chainRoots[i]!;
      if (asField(u.chainRoot) !== replayed) {
        return {
          ok: false,
          code: 'CHAIN_ROOT_MISMATCH',
          reason:
            `update ${i} (chain ${u.chainId}, batch ${u.batchNumber}) carries chainRoot ${u.chainRoot}, but the ` +
            `chain tree after it has root ${fieldToBytes32(replayed)}`,
        };
      }
    }
    if (step.newRoot !== asField(settled.root)) {
      return {
        ok: false,
        code: 'SHARED_ROOT_INVALID',
        reason: `replaying the updates gives ${fieldToBytes32(step.newRoot)}, not the record's root ${settled.root}`,
      };
    }
    return { ok: true };
  }

  /** The shared root of a settled epoch (bytes32), if known. */
  rootAt(epoch: bigint): Hex | undefined {
    const s = this.snapshots.get(epoch);
    return s ? fieldToBytes32(s.root) : undefined;
  }

  /**
   * The inclusion proof of `message` (batch `batchNumber` of its source, given by its leaves or its BatchTree)
   * against the root of `epoch`. @throws {InclusionProofBuildError} if the data does not prove it.
   */
  proof(
    message: InteropMessage,
    batch: readonly Hex[] | BatchTree,
    batchNumber: bigint,
    epoch: bigint,
  ): InclusionProof {
    return this.proofs([message], batch, batchNumber, epoch)[0]!;
  }

  /**
   * The inclusion proofs of messages of one batch (batch `batchNumber` of their source chain, given by its leaves or
   * its BatchTree) against the root of `epoch`, in order: libs/protocol `buildInclusionProofs`, so the batch tree and
   * the batch's chain and shared paths are computed once for all of them.
   * @throws {InclusionProofBuildError} for the first message the data does not prove (then nothing is returned).
   */
  proofs(
    messages: readonly InteropMessage[],
    batch: readonly Hex[] | BatchTree,
    batchNumber: bigint,
    epoch: bigint,
  ): InclusionProof[] {
    if (messages.length === 0) return [];
    const src = messages[0]!.srcChainId;
    if (messages.some((m) => m.srcChainId !== src)) throw new Error('the messages of one batch come from one chain');
    const snapshot = this.snapshots.get(epoch);
    const chainTree = this.state.chainTree(src);
    const slot = this.state.slotOf(src);
    if (!snapshot || !chainTree || slot === undefined) {
      throw new Error(`epoch ${epoch} or chain ${src} is not in the settled trees`);
    }
    return buildInclusionProofs({
      messages,
      batch: batch instanceof BatchTree ? batch : new BatchTree(batch, this.config.depths.batchDepth),
      batchNumber,
      chainTree,
      chainSizeAtEpoch: snapshot.chainSizes.get(src) ?? 0,
      sharedTree: snapshot.shared,
      slot,
      epoch,
    });
  }

  private apply(settled: SettledEpoch): void {
    this.state.apply(settled.updates, Math.max(1, settled.updates.length));
    this.epoch = settled.epoch;
    const chainSizes = new Map<bigint, number>();
    for (const u of settled.updates) chainSizes.set(u.chainId, 0);
    const previous = this.snapshots.get(settled.epoch - 1n);
    for (const id of previous?.chainSizes.keys() ?? []) chainSizes.set(id, 0);
    for (const id of chainSizes.keys()) chainSizes.set(id, this.state.chainSize(id));
    this.snapshots.set(settled.epoch, {
      root: this.state.sharedRoot,
      shared: this.state.sharedTree.clone(),
      chainSizes,
    });
  }
}
