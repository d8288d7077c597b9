import { readFileSync } from 'node:fs';

import {
  AggregationState,
  fieldToBytes32,
  groupUpdates,
  planEpochUpdates,
  type AggregationShape,
  type AggregationStepResult,
} from '@interop/protocol';
import {
  buildCircuitInput,
  circuitArtifacts,
  toSolidityProof,
  verifyAggregationProof,
  type CircuitInput,
  type Groth16Proof,
  type VerificationKey,
} from '@interop/prover';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { TransactionReceipt } from 'viem';

import type { CircuitParameters } from '../config/circuitParameters';
import { L1HubRepository } from '../l1/l1Hub.repository';
import { HubMetrics } from '../metrics/hubMetrics';
import { AggregatorLock } from './aggregatorLock';
import { EpochsRepository, type EpochsStore } from './epochs.repository';
import { toProtocolUpdate, type EpochRecord, type EpochUpdate, type WaitingBatch } from './epochTypes';
import { PROOF_PROVIDER, type ProofProvider } from './proofProvider';
import { releaseSnarkjsCurve } from './releaseSnarkjsCurve';
import { SharedRootPublisher } from './sharedRootPublisher';

/** Settings of the aggregator. */
export type EpochSettings = {
  enabled: boolean;
  intervalMs: number;
  circuit: CircuitParameters;
  /** Pause between checks for work (also the retry delay of the lock). */
  pollMs: number;
  /** Pause after a failed step before it is retried. */
  retryMs: number;
};

/** Token of the settings provider. */
export const EPOCH_SETTINGS = Symbol('EPOCH_SETTINGS');
/** Token of the aggregator lock. */
export const AGGREGATOR_LOCK = Symbol('AGGREGATOR_LOCK');

/** Where a test may stop the aggregator, as if the process died right after this status was stored. */
export type HaltPoint = 'created' | 'proved' | 'submitted';

/** The L1 calls of the aggregator (implemented by L1HubRepository). */
export type L1Settlement = Pick<
  L1HubRepository,
  'epoch' | 'rootAt' | 'sendSubmitRoot' | 'waitForReceipt' | 'findReceipt' | 'findRootSubmitted'
>;

class HaltedError extends Error {}

/**
 * The aggregator. Exactly one hub process runs it (advisory lock); it rebuilds the aggregation state from the
 * settled epochs, then repeats: take up to K waiting batches, create the epoch (updates, roots and circuit input in
 * one transaction), prove, verify locally, submit to L1 (the tx hash is stored before waiting), settle, publish.
 * Every step starts from what the database says, so a crash anywhere resumes at the right step: created -> prove,
 * proved -> submit, submitted -> find the receipt or the root on L1 (settle) or submit again, settled but not
 * published -> publish.
 */
@Injectable()
export class EpochService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EpochService');
  private state: AggregationState | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private lastEpochAt = Date.now();
  /** Chains whose tree is full (warned once). */
  private readonly fullChains = new Set<bigint>();
  private vkey: VerificationKey | undefined;
  /** Test seam: stop the loop right after an epoch reaches this status (simulates a crash between steps). */
  haltAfter: HaltPoint | undefined;

  constructor(
    @Inject(EpochsRepository) private readonly store: EpochsStore,
    @Inject(L1HubRepository) private readonly l1: L1Settlement,
    @Inject(PROOF_PROVIDER) private readonly prover: ProofProvider,
    @Inject(SharedRootPublisher) private readonly publisher: Pick<SharedRootPublisher, 'publish'>,
    @Inject(AGGREGATOR_LOCK) private readonly lock: Pick<AggregatorLock, 'tryAcquire' | 'release' | 'held'>,
    @Inject(HubMetrics) private readonly metrics: HubMetrics,
    @Inject(EPOCH_SETTINGS) private readonly settings: EpochSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.enabled) this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Starts the loop (idempotent). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Stops the loop after the step in progress, releases the lock and the prover. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    await this.lock.release();
    await this.prover.close();
    await releaseSnarkjsCurve();
  }

  /** True while this process holds the aggregator lock. */
  get isLeader(): boolean {
    return this.lock.held;
  }

  /** Wakes the loop (e.g. when batches arrived) instead of waiting for the next poll. */
  poke(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if (!this.lock.held) {
          this.state = undefined;
          if (!(await this.lock.tryAcquire())) {
            await this.sleep(this.settings.pollMs * 4);
            continue;
          }
          this.logger.log('aggregator lock acquired: this process aggregates');
        }
        this.state ??= await this.rebuild();
        if (!(await this.step())) await this.sleep(this.settings.pollMs);
      } catch (e) {
        if (e instanceof HaltedError) break;
        this.logger.error(`aggregation step failed: ${e instanceof Error ? e.message : String(e)}`);
        await this.sleep(this.settings.retryMs);
      }
    }
  }

  /** One unit of work; resolves false when there was nothing to do. */
  private async step(): Promise<boolean> {
    const unfinished = await this.store.unfinishedEpoch();
    if (unfinished) {
      await this.drive(unfinished);
      return true;
    }
    for (const e of await this.store.unpublishedEpochs()) await this.publish(e);
    // One read of the waiting batches per step: the plan decides both whether an epoch is due and what it holds.
    const { k, groupSize } = this.settings.circuit;
    const waiting = await this.store.waitingBatches(Math.max(100, k * 10));
    if (waiting.length === 0) return false;
    this.warnFullChains(waiting);
    const updates = selectUpdates(waiting, this.requireState(), { k, groupSize });
    if (updates.length === 0) return false;
    // Due when K batches wait, when the plan already fills every group (no other chain could join it; with groups
    // of 1 this is "K batches can be aggregated"), or when the interval has passed since the last epoch.
    const due =
      waiting.length >= k ||
      groupUpdates(updates, groupSize).length >= k / groupSize ||
      Date.now() - this.lastEpochAt >= this.settings.intervalMs;
    if (!due) return false;
    await this.drive(await this.createEpoch(updates));
    return true;
  }

  /** Warns once per chain whose tree is full: its batches from there on are never planned. */
  private warnFullChains(waiting: readonly WaitingBatch[]): void {
    const { chainDepth } = this.requireState();
    for (const b of waiting) {
      if (b.batchNumber < 2n ** BigInt(chainDepth) || this.fullChains.has(b.chainId)) continue;
      this.fullChains.add(b.chainId);
      this.logger.warn(
        `chain ${b.chainId}: batch ${b.batchNumber} does not fit its chain tree (2^${chainDepth} batches, ` +
          `CHAIN_DEPTH of the circuit): its batches from there on are never aggregated`,
      );
    }
  }

  /** The aggregation state after every settled epoch, checked against the roots stored with them. */
  private async rebuild(): Promise<AggregationState> {
    const { chainDepth, sharedDepth, k } = this.settings.circuit;
    const state = new AggregationState({ chainDepth, sharedDepth });
    const settled = await this.store.settledEpochs();
    for (const e of settled) {
      const step = state.apply(e.updates.map(toProtocolUpdate), k);
      if (fieldToBytes32(step.newRoot) !== e.root.toLowerCase()) {
        throw new Error(`rebuilding epoch ${e.number} gives root ${fieldToBytes32(step.newRoot)}, stored ${e.root}`);
      }
    }
    const last = settled.at(-1);
    if (last) this.metrics.currentEpoch.set(Number(last.number));
    return state;
  }

  /** Stores the epoch of the planned updates (per chain in batch-number order, chains in arrival order). */
  private async createEpoch(updates: EpochUpdate[]): Promise<EpochRecord> {
    const state = this.requireState();
    const { k, groupSize } = this.settings.circuit;
    const step = state.clone().apply(updates.map(toProtocolUpdate), { k, groupSize });
    const number = (await this.store.lastEpochNumber()) + 1n;
    await this.store.createEpoch({
      number,
      prevRoot: fieldToBytes32(step.oldRoot),
      root: fieldToBytes32(step.newRoot),
      commitment: fieldToBytes32(step.commitment),
      updates,
      circuitInput: buildCircuitInput(step.witnesses, step.oldRoot, step.newRoot, step.commitment),
    });
    this.lastEpochAt = Date.now();
    this.logger.log(`epoch ${number} created with ${updates.length} update(s)`);
    this.haltIf('created');
    const created = await this.store.findEpoch(number);
    if (!created) throw new Error(`epoch ${number} vanished`);
    return created;
  }

  /** Takes an epoch from whatever status it has to settled and published. */
  private async drive(epoch: EpochRecord): Promise<void> {
    const next = this.requireState().clone();
    const { k, groupSize } = this.settings.circuit;
    const step = next.apply(epoch.updates.map(toProtocolUpdate), { k, groupSize });
    if (fieldToBytes32(step.newRoot) !== epoch.root.toLowerCase()) {
      throw new Error(
        `epoch ${epoch.number}: stored root ${epoch.root} is not the state's ${fieldToBytes32(step.newRoot)}`,
      );
    }
    let e = epoch;
    try {
      if (e.status === 'created' || e.status === 'proving') e = await this.prove(e, step);
      if (e.status === 'proved') e = await this.submit(e);
      if (e.status === 'submitted') e = await this.reconcileSubmitted(e);
    } catch (err) {
      if (!(err instanceof HaltedError)) await this.store.recordError(e.number, errorText(err)).catch(() => undefined);
      throw err;
    }
    if (e.status !== 'settled') return;
    this.state = next;
    await this.publish(e);
  }

  private async prove(e: EpochRecord, step: AggregationStepResult): Promise<EpochRecord> {
    const input =
      (e.circuitInput as CircuitInput | null) ??
      buildCircuitInput(step.witnesses, step.oldRoot, step.newRoot, step.commitment);
    const { proof, publicSignals, ms } = await this.prover.prove(e.number, input);
    const expected = [step.oldRoot, step.newRoot, step.commitment].map((x) => x.toString());
    if (
      publicSignals.join() !== expected.join() ||
      !(await verifyAggregationProof(this.verificationKey(), proof, publicSignals))
    ) {
      throw new Error(`the proof of epoch ${e.number} does not verify against its roots and commitment`);
    }
    this.metrics.provingTime.observe(ms / 1000);
    await this.store.markProved(e.number, proof, publicSignals, Math.round(ms));
    this.logger.log(`epoch ${e.number} proved in ${Math.round(ms)} ms`);
    this.haltIf('proved');
    return this.reload(e.number);
  }

  private async submit(e: EpochRecord): Promise<EpochRecord> {
    // L1 may have this epoch already (a crash between sending and storing the hash).
    if ((await this.l1.rootAt(e.number)).toLowerCase() === e.root.toLowerCase()) return this.settleFromL1(e);
    const l1Epoch = await this.l1.epoch();
    if (l1Epoch >= e.number) {
      throw new Error(`L1 is at epoch ${l1Epoch} with another root for epoch ${e.number}: manual intervention needed`);
    }
    const proof = toSolidityProof(e.proof as Groth16Proof);
    const hash = await this.l1.sendSubmitRoot({
      epoch: e.number,
      prevRoot: e.prevRoot,
      newRoot: e.root,
      updates: e.updates.map((u) => ({
        chainId: u.chainId,
        batchNumber: u.batchNumber,
        batchRoot: u.batchRoot,
        messageCount: u.messageCount,
        firstBlock: u.firstBlock,
        lastBlock: u.lastBlock,
      })),
      signatures: e.updates.map((u) => u.signature),
      proof,
    });
    await this.store.markSubmitted(e.number, hash);
    this.logger.log(`epoch ${e.number} submitted to L1 in ${hash}`);
    this.haltIf('submitted');
    const receipt = await this.l1.waitForReceipt(hash);
    if (receipt.status !== 'success') throw new Error(`submitRoot of epoch ${e.number} reverted (${hash})`);
    return this.settle(e, receipt);
  }

  /** After a restart in `submitted`: the receipt settles it; otherwise L1's root decides; otherwise submit again. */
  private async reconcileSubmitted(e: EpochRecord): Promise<EpochRecord> {
    const receipt = e.l1TxHash ? await this.l1.findReceipt(e.l1TxHash) : undefined;
    if (receipt?.status === 'success') return this.settle(e, receipt);
    if ((await this.l1.rootAt(e.number)).toLowerCase() === e.root.toLowerCase()) return this.settleFromL1(e);
    return this.submit({ ...e, status: 'proved' });
  }

  private async settleFromL1(e: EpochRecord): Promise<EpochRecord> {
    const log = await this.l1.findRootSubmitted(e.number);
    if (!log) throw new Error(`L1 has the root of epoch ${e.number} but no RootSubmitted event was found`);
    const receipt = await this.l1.findReceipt(log.txHash);
    if (!receipt) throw new Error(`no receipt for ${log.txHash}`);
    return this.settle(e, receipt);
  }

  private async settle(e: EpochRecord, receipt: TransactionReceipt): Promise<EpochRecord> {
    await this.store.markSettled(e.number, {
      txHash: receipt.transactionHash,
      l1Block: receipt.blockNumber,
      gasUsed: receipt.gasUsed,
    });
    this.metrics.l1GasUsed.inc(Number(receipt.gasUsed));
    this.metrics.currentEpoch.set(Number(e.number));
    this.metrics.epochDuration.observe((Date.now() - e.createdAt.getTime()) / 1000);
    this.logger.log(`epoch ${e.number} settled on L1 (block ${receipt.blockNumber}, gas ${receipt.gasUsed})`);
    return this.reload(e.number);
  }

  private async publish(e: EpochRecord): Promise<void> {
    await this.publisher.publish(e);
    await this.store.markPublished(e.number);
  }

  private async reload(number: bigint): Promise<EpochRecord> {
    const e = await this.store.findEpoch(number);
    if (!e) throw new Error(`epoch ${number} vanished`);
    return e;
  }

  private requireState(): AggregationState {
    if (!this.state) throw new Error('the aggregation state is not loaded (not the aggregator)');
    return this.state;
  }

  private verificationKey(): VerificationKey {
    this.vkey ??= JSON.parse(
      readFileSync(circuitArtifacts(this.settings.circuit.instance, { allowMissing: true }).vkey, 'utf8'),
    ) as VerificationKey;
    return this.vkey;
  }

  private haltIf(point: HaltPoint): void {
    if (this.haltAfter === point) {
      this.stopping = true;
      throw new HaltedError(`halted after ${point}`);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

/**
 * The next epoch's updates from the waiting batches, planned by libs/protocol `planEpochUpdates` for the circuit's
 * epoch shape (groups of `groupSize` slots, each one chain's consecutive batches inside one aligned block): chains
 * take turns (one group per turn) in the order their first waiting batch arrived, and each chain's batches go in
 * batch-number order starting at the chain's aggregated size (anything else is left for later). Batch numbers past
 * the chain tree's capacity (2^CHAIN_DEPTH) are never planned. A bare number `k` means groups of 1.
 */
export function selectUpdates(
  waiting: readonly WaitingBatch[],
  state: AggregationState,
  shape: number | AggregationShape,
): EpochUpdate[] {
  const perChain = new Map<bigint, WaitingBatch[]>();
  // A chain tree holds 2^CHAIN_DEPTH batches: later batch numbers can never be aggregated, and planning them would
  // fail every epoch for every chain. They stay waiting (the aggregator logs them); the other chains go on.
  const capacity = 2n ** BigInt(state.chainDepth);
  for (const b of waiting) {
    if (b.batchNumber >= capacity) continue;
    const list = perChain.get(b.chainId) ?? [];
    list.push(b);
    perChain.set(b.chainId, list);
  }
  const pending = [...perChain].map(([chainId, batches]) => ({
    chainId,
    nextBatch: BigInt(state.chainSize(chainId)),
    batches,
  }));
  return planEpochUpdates(pending, typeof shape === 'number' ? { k: shape, groupSize: 1 } : shape).map((b) => ({
    slot: b.slot,
    chainId: b.chainId,
    batchNumber: b.batchNumber,
    batchRoot: b.batchRoot,
    messageCount: b.messageCount,
    firstBlock: b.firstBlock,
    lastBlock: b.lastBlock,
    signature: b.signature,
  }));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
