import { readFileSync } from 'node:fs';

import { submitRootArgs } from '@interop/contracts';
import {
  AggregationState,
  bytes32ToField,
  chooseEpochShape,
  fieldToBytes32,
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
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { TransactionReceipt } from 'viem';

import { L1HubRepository } from '../l1/l1Hub.repository';
import { revertErrorName } from '../l1/revertErrorName';
import { HubMetrics } from '../metrics/hubMetrics';
import { AggregatorLock } from './aggregatorLock';
import { EpochsRepository, type EpochsStore } from './epochs.repository';
import { toProtocolUpdate, type EpochRecord, type EpochUpdate, type WaitingBatch } from './epochTypes';
import { PROOF_PROVIDER, type ProofProvider } from './proofProvider';
import { releaseSnarkjsCurve } from './releaseSnarkjsCurve';
import { SharedRootPublisher } from './sharedRootPublisher';
import type { EpochShapes, HubShape } from './shapeRegistry';

/** Settings of the aggregator. */
export type EpochSettings = {
  enabled: boolean;
  /** No epoch starts sooner than this after the previous one, unless the backlog exceeds every shape (0: at once). */
  minIntervalMs: number;
  /** At most this many epochs created but not settled (n+1 is proved while n settles). */
  pipelineDepth: number;
  chainDepth: number;
  sharedDepth: number;
  /** Pause between checks for work (also the retry delay of the lock). */
  pollMs: number;
  /** Pause after a failed step before it is retried. */
  retryMs: number;
};

/** Token of the settings provider. */
export const EPOCH_SETTINGS = Symbol('EPOCH_SETTINGS');
/** Token of the aggregator lock. */
export const AGGREGATOR_LOCK = Symbol('AGGREGATOR_LOCK');
/** Token of the epoch shapes (ShapeRegistry). */
export const EPOCH_SHAPES = Symbol('EPOCH_SHAPES');
/** Token of the proof check run before a proof is stored. */
export const PROOF_VERIFIER = Symbol('PROOF_VERIFIER');

/** Checks a proof against the verification key of its shape (the committed circuits/keys/<shape>.vkey.json). */
export interface ProofVerifier {
  verify(shape: string, proof: Groth16Proof, publicSignals: readonly string[]): Promise<boolean>;
}

/** {@link ProofVerifier} with snarkjs over the committed verification keys (read once per shape). */
export class VkeyProofVerifier implements ProofVerifier {
  private readonly vkeys = new Map<string, VerificationKey>();

  verify(shape: string, proof: Groth16Proof, publicSignals: readonly string[]): Promise<boolean> {
    let vkey = this.vkeys.get(shape);
    if (!vkey) {
      vkey = JSON.parse(readFileSync(circuitArtifacts(shape, { allowMissing: true }).vkey, 'utf8')) as VerificationKey;
      this.vkeys.set(shape, vkey);
    }
    return verifyAggregationProof(vkey, proof, [...publicSignals]);
  }
}

/** Where a test may stop the aggregator, as if the process died right after this status was stored. */
export type HaltPoint = 'created' | 'proved' | 'submitted';

/** The L1 calls of the aggregator (implemented by L1HubRepository). */
export type L1Settlement = Pick<
  L1HubRepository,
  'epoch' | 'rootAt' | 'sendSubmitRoot' | 'waitForReceipt' | 'findReceipt' | 'findRootSubmitted'
>;

/**
 * L1 errors after which an epoch can never settle as it is (SPEC "L1 settlement"): its shape was retired, a chain of
 * it was paused or deregistered, or an operator key changed after it was signed. Such an epoch (and every later
 * unsettled one, built on it) is abandoned and its batches are planned again.
 */
const PERMANENT_REVERTS = new Set(['ShapeNotActive', 'ChainIsPaused', 'ChainNotRegistered', 'InvalidSignature']);

class HaltedError extends Error {}

/**
 * The aggregator. Exactly one hub process runs it (advisory lock). It rebuilds the aggregation state from the
 * settled epochs (plus the unsettled ones, in order), then repeats: when the prover has room and batches wait,
 * plan the next epoch on top of the last created one (its shape chosen by backlog, libs/protocol
 * `chooseEpochShape`), store it with its circuit input and start proving it; settle the oldest unsettled epoch once
 * proved (submit to L1, tx hash stored before waiting), publish it. Epoch n + 1 is therefore proved while epoch n is
 * proved or settles (its old root is n's new root, known when n is created); L1 still receives them in order.
 * Every step starts from what the database says, so a crash anywhere resumes at the right step: created -> prove,
 * proved -> submit, submitted -> find the receipt or the root on L1 (settle) or submit again, settled but not
 * published -> publish.
 */
@Injectable()
export class EpochService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('EpochService');
  /** State after every settled epoch. */
  private settled: AggregationState | undefined;
  /** State after every created epoch (what the next plan builds on). */
  private planned: AggregationState | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private lastEpochAt = 0;
  /** True while this loop believes it holds the lock (to log its loss once). */
  private leading = false;
  /** Epochs being proved by this process, by number. */
  private readonly proving = new Map<bigint, Promise<void>>();
  /** When a failed proof of an epoch may be retried. */
  private readonly retryProofAt = new Map<bigint, number>();
  /** Chains whose tree is full (warned once). */
  private readonly fullChains = new Set<bigint>();
  /** Test seam: stop the loop right after an epoch reaches this status (simulates a crash between steps). */
  haltAfter: HaltPoint | undefined;

  constructor(
    @Inject(EpochsRepository) private readonly store: EpochsStore,
    @Inject(L1HubRepository) private readonly l1: L1Settlement,
    @Inject(PROOF_PROVIDER) private readonly prover: ProofProvider,
    @Inject(SharedRootPublisher) private readonly publisher: Pick<SharedRootPublisher, 'publish'>,
    @Inject(AGGREGATOR_LOCK)
    private readonly lock: Pick<AggregatorLock, 'tryAcquire' | 'release' | 'held'> &
      Partial<Pick<AggregatorLock, 'confirm'>>,
    @Inject(HubMetrics) private readonly metrics: HubMetrics,
    @Inject(EPOCH_SHAPES) private readonly shapes: EpochShapes,
    @Inject(PROOF_VERIFIER) private readonly verifier: ProofVerifier,
    @Inject(EPOCH_SETTINGS) private readonly settings: EpochSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.enabled) this.start();
  }

  /**
   * Stops the loop in Nest's first shutdown phase, so its step in progress (and the proof tasks) finish while the
   * database pool (PrismaService, closed in `onApplicationShutdown`) and the Kafka producer (likewise) are still open.
   */
  async onModuleDestroy(): Promise<void> {
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
    // Closing the prover rejects the proofs in flight; their tasks only log and record the error.
    await this.prover.close();
    await Promise.allSettled([...this.proving.values()]);
    await this.lock.release();
    this.leading = false;
    await releaseSnarkjsCurve();
  }

  /** True while this process holds the aggregator lock. */
  get isLeader(): boolean {
    return this.lock.held;
  }

  /** Wakes the loop (e.g. when batches arrived or a proof finished) instead of waiting for the next poll. */
  poke(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if (!this.lock.held) {
          if (this.leading) {
            this.leading = false;
            this.logger.warn('aggregator lock lost: this process stops aggregating until it takes the lock again');
          }
          this.settled = undefined;
          // A standby retries every poll (one query on its lock connection): it takes over within pollMs of the
          // lock coming free (docs/hub.md "Standby and failover").
          if (!(await this.lock.tryAcquire())) {
            await this.sleep(this.settings.pollMs);
            continue;
          }
          this.leading = true;
          this.logger.log('aggregator lock acquired: this process aggregates');
        }
        if (!this.settled) await this.rebuild();
        if (!(await this.step())) await this.sleep(this.settings.pollMs);
        // Let timers and I/O callbacks run between steps even when every step finds work at once.
        else await new Promise((resolve) => setImmediate(resolve));
      } catch (e) {
        if (e instanceof HaltedError) break;
        this.logger.error(`aggregation step failed: ${errorText(e)}`);
        await this.sleep(this.settings.retryMs);
      }
    }
  }

  /** One unit of work; resolves false when there was nothing to do. */
  private async step(): Promise<boolean> {
    let worked = false;
    for (const e of await this.store.unpublishedEpochs()) {
      await this.publish(e);
      worked = true;
    }
    const unfinished = await this.store.unfinishedEpochs();
    for (const e of unfinished) if (this.startProving(e)) worked = true;
    const head = unfinished[0];
    if (head && (head.status === 'proved' || head.status === 'submitted')) {
      await this.settle(head);
      return true;
    }
    if (unfinished.length < this.settings.pipelineDepth && this.provingCount() < this.prover.capacity) {
      if (await this.createDue()) return true;
    }
    return worked;
  }

  /** Epochs this process is proving now. */
  private provingCount(): number {
    return this.proving.size;
  }

  /**
   * Starts proving `e` in the background if it needs a proof, the prover has room and no earlier attempt failed
   * just now. The proof is verified against the shape's vkey and the epoch's public signals before it is stored.
   */
  private startProving(e: EpochRecord): boolean {
    if (e.status !== 'created' && e.status !== 'proving') return false;
    if (this.proving.has(e.number) || this.provingCount() >= this.prover.capacity) return false;
    if ((this.retryProofAt.get(e.number) ?? 0) > Date.now()) return false;
    const shape = this.requireShape(e.shapeId, e.number);
    this.logger.log(`epoch ${e.number} (${shape.name}) proving`);
    const task = (async () => {
      try {
        const input = e.circuitInput as CircuitInput;
        const { proof, publicSignals, ms } = await this.prover.prove(e.number, shape.name, input);
        const expected = [input.dataCommitment, input.challenge, input.evaluation];
        if (
          publicSignals.join() !== expected.join() ||
          !(await this.verifier.verify(shape.name, proof, publicSignals))
        ) {
          throw new Error(`the proof of epoch ${e.number} does not verify against its public signals`);
        }
        if (this.stopping) return;
        // A process that lost the lock while proving (frozen past its lease, then woken) must not store the proof:
        // the new aggregator may have settled this epoch already, and `proved` would take it back.
        if (!(await this.lockConfirmed())) {
          this.logger.warn(`epoch ${e.number}: proof dropped, this process no longer holds the aggregator lock`);
          return;
        }
        this.metrics.provingTime.observe(ms / 1000);
        await this.store.markProved(e.number, proof, publicSignals, Math.round(ms));
        this.retryProofAt.delete(e.number);
        this.logger.log(`epoch ${e.number} (${shape.name}) proved in ${Math.round(ms)} ms`);
        // Test seam: the loop stops as if the process died right after the proof was stored.
        if (this.haltAfter === 'proved') this.stopping = true;
      } catch (err) {
        if (this.stopping) return;
        this.retryProofAt.set(e.number, Date.now() + this.settings.retryMs);
        this.logger.error(`proving epoch ${e.number} failed: ${errorText(err)}`);
        await this.store.recordError(e.number, errorText(err)).catch(() => undefined);
      } finally {
        this.proving.delete(e.number);
        this.wake?.();
      }
    })();
    this.proving.set(e.number, task);
    return true;
  }

  /** The lock, checked on its session when the lock supports it (else its last known state). */
  private async lockConfirmed(): Promise<boolean> {
    return this.lock.confirm ? this.lock.confirm() : this.lock.held;
  }

  /** Plans and stores the next epoch if one is due; true when it did. */
  private async createDue(): Promise<boolean> {
    const shapes = await this.shapes.usable();
    if (shapes.length === 0) return false;
    const planned = this.requirePlanned();
    // Enough waiting batches to fill the largest shape several times over, whatever the chains' order.
    const largest = shapes[shapes.length - 1]!;
    const waiting = await this.store.waitingBatches(Math.max(100, largest.k * 10));
    if (waiting.length === 0) return false;
    this.warnFullChains(waiting);
    const plan = planEpoch(waiting, planned, shapes);
    if (!plan) return false;
    // Due at once unless an operator asked for a minimum spacing; a backlog beyond every shape never waits.
    const due = !plan.holdsAll || Date.now() - this.lastEpochAt >= this.settings.minIntervalMs;
    if (!due) return false;
    const step = planned.clone().apply(plan.updates.map(toProtocolUpdate), plan.shape);
    const bad = signedChainRootMismatch(plan.updates, step);
    if (bad) {
      // The operator signed a chain root that is not the root of its own batches: L1 would refuse the epoch (the
      // signature covers the root the proof computes). Refuse the chain instead of stalling every epoch.
      this.logger.error(
        `chain ${bad.update.chainId} batch ${bad.update.batchNumber}: signed chain root ${bad.update.chainRoot} is not ` +
          `the root of its batches (${fieldToBytes32(bad.expected)}); the chain's batches are not aggregated`,
      );
      this.metrics.chainRootMismatches.inc();
      await this.store.flagChain(bad.update.chainId);
      return true;
    }
    const number = (await this.store.lastEpochNumber()) + 1n;
    await this.store.createEpoch({
      number,
      prevRoot: fieldToBytes32(step.oldRoot),
      root: fieldToBytes32(step.newRoot),
      shapeId: plan.shape.shapeId,
      dataCommitment: fieldToBytes32(step.publicSignals.dataCommitment),
      updates: plan.updates,
      circuitInput: buildCircuitInput(step.witnesses, step.oldRoot, step.publicSignals),
    });
    this.planned = applied(planned, plan.updates, plan.shape);
    this.lastEpochAt = Date.now();
    this.metrics.epochsByShape.inc({ shape: plan.shape.name });
    this.logger.log(
      `epoch ${number} created: ${plan.updates.length} batch(es) of ${new Set(plan.updates.map((u) => u.chainId)).size} ` +
        `chain(s), shape ${plan.shape.name} (${plan.holdsAll ? 'holds everything waiting' : 'backlog exceeds every shape'})`,
    );
    this.haltIf('created');
    return true;
  }

  /** Warns once per chain whose tree is full: its batches from there on are never planned. */
  private warnFullChains(waiting: readonly WaitingBatch[]): void {
    const { chainDepth } = this.settings;
    for (const b of waiting) {
      if (b.batchNumber < 2n ** BigInt(chainDepth) || this.fullChains.has(b.chainId)) continue;
      this.fullChains.add(b.chainId);
      this.logger.warn(
        `chain ${b.chainId}: batch ${b.batchNumber} does not fit its chain tree (2^${chainDepth} batches): its ` +
          'batches from there on are never aggregated',
      );
    }
  }

  /** The states after every settled and after every created epoch, checked against the roots stored with them. */
  private async rebuild(): Promise<void> {
    const { chainDepth, sharedDepth } = this.settings;
    const state = new AggregationState({ chainDepth, sharedDepth });
    const settled = await this.store.settledEpochs();
    for (const e of settled) replay(state, e, this.requireShape(e.shapeId, e.number));
    const planned = state.clone();
    for (const e of await this.store.unfinishedEpochs()) replay(planned, e, this.requireShape(e.shapeId, e.number));
    this.settled = state;
    this.planned = planned;
    const last = settled.at(-1);
    if (last) this.metrics.currentEpoch.set(Number(last.number));
  }

  /** Takes the oldest unsettled epoch, proved, to settled and published. */
  private async settle(e: EpochRecord): Promise<void> {
    let epoch = e;
    try {
      if (epoch.status === 'proved') epoch = await this.submit(epoch);
      else epoch = await this.reconcileSubmitted(epoch);
    } catch (err) {
      if (err instanceof HaltedError) throw err;
      const name = revertErrorName(err);
      if (name && PERMANENT_REVERTS.has(name)) {
        await this.abandon(epoch, `L1 refuses it: ${name}`);
        if (name === 'ShapeNotActive') this.shapes.invalidate();
        // Give L1 and the registries a moment before re-planning (a chain may be resumed, a shape re-added).
        await this.sleep(this.settings.retryMs);
        return;
      }
      await this.store.recordError(epoch.number, errorText(err)).catch(() => undefined);
      throw err;
    }
    this.settled = applied(this.requireSettled(), epoch.updates, this.requireShape(epoch.shapeId, epoch.number));
    await this.publish(epoch);
  }

  private async submit(e: EpochRecord): Promise<EpochRecord> {
    // L1 may have this epoch already (a crash between sending and storing the hash).
    if ((await this.l1.rootAt(e.number)).toLowerCase() === e.root.toLowerCase()) return this.settleFromL1(e);
    const l1Epoch = await this.l1.epoch();
    if (l1Epoch >= e.number) {
      throw new Error(`L1 is at epoch ${l1Epoch} with another root for epoch ${e.number}: manual intervention needed`);
    }
    const shape = this.requireShape(e.shapeId, e.number);
    const step = this.requireSettled().clone().apply(e.updates.map(toProtocolUpdate), shape);
    const hash = await this.l1.sendSubmitRoot(
      submitRootArgs({
        epoch: e.number,
        shapeId: e.shapeId,
        prevRoot: e.prevRoot,
        newRoot: e.root,
        dataCommitment: bytes32ToField(e.dataCommitment),
        groups: step.groups,
        metadata: e.updates,
        proof: toSolidityProof(e.proof as Groth16Proof),
      }),
    );
    await this.store.markSubmitted(e.number, hash);
    this.logger.log(`epoch ${e.number} submitted to L1 in ${hash}`);
    this.haltIf('submitted');
    const receipt = await this.l1.waitForReceipt(hash);
    if (receipt.status !== 'success') throw new Error(`submitRoot of epoch ${e.number} reverted (${hash})`);
    return this.markSettled(e, receipt);
  }

  /** After a restart in `submitted`: the receipt settles it; otherwise L1's root decides; otherwise submit again. */
  private async reconcileSubmitted(e: EpochRecord): Promise<EpochRecord> {
    const receipt = e.l1TxHash ? await this.l1.findReceipt(e.l1TxHash) : undefined;
    if (receipt?.status === 'success') return this.markSettled(e, receipt);
    if ((await this.l1.rootAt(e.number)).toLowerCase() === e.root.toLowerCase()) return this.settleFromL1(e);
    return this.submit({ ...e, status: 'proved' });
  }

  private async settleFromL1(e: EpochRecord): Promise<EpochRecord> {
    const log = await this.l1.findRootSubmitted(e.number);
    if (!log) throw new Error(`L1 has the root of epoch ${e.number} but no RootSubmitted event was found`);
    const receipt = await this.l1.findReceipt(log.txHash);
    if (!receipt) throw new Error(`no receipt for ${log.txHash}`);
    return this.markSettled(e, receipt);
  }

  private async markSettled(e: EpochRecord, receipt: TransactionReceipt): Promise<EpochRecord> {
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

  /**
   * Gives up an epoch L1 will never accept, with every later unsettled epoch (they build on it): their rows are
   * deleted (logged in full here), their batches wait again and are planned anew from the settled state.
   */
  private async abandon(e: EpochRecord, reason: string): Promise<void> {
    const dropped = await this.store.abandonFrom(e.number);
    for (const d of dropped) {
      this.metrics.epochsAbandoned.inc();
      this.logger.warn(
        `epoch ${d.number} abandoned (${reason}); its ${d.updates.length} batch(es) are planned again: ` +
          JSON.stringify({
            shapeId: d.shapeId,
            prevRoot: d.prevRoot,
            root: d.root,
            status: d.status,
            updates: d.updates.map((u) => `${u.chainId}/${u.batchNumber}`),
          }),
      );
    }
    this.planned = this.requireSettled().clone();
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

  private requireSettled(): AggregationState {
    if (!this.settled) throw new Error('the aggregation state is not loaded (not the aggregator)');
    return this.settled;
  }

  private requirePlanned(): AggregationState {
    if (!this.planned) throw new Error('the aggregation state is not loaded (not the aggregator)');
    return this.planned;
  }

  private requireShape(shapeId: number, epoch: bigint): HubShape {
    const shape = this.shapes.byId(shapeId);
    if (!shape) throw new Error(`epoch ${epoch} uses shape ${shapeId}, which this hub does not have (EPOCH_SHAPES)`);
    return shape;
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

/** A shape as libs/protocol takes it. */
function protocolShape(s: HubShape): AggregationShape {
  return { k: s.k, groupSize: s.groupSize };
}

/** `state` with the updates of one more epoch applied (a copy; `state` is not changed). */
function applied(state: AggregationState, updates: readonly EpochUpdate[], shape: HubShape): AggregationState {
  const next = state.clone();
  next.apply(updates.map(toProtocolUpdate), protocolShape(shape));
  return next;
}

/** Applies a stored epoch to `state`, checking that it gives the root stored with it. */
function replay(state: AggregationState, e: EpochRecord, shape: HubShape): void {
  const step = state.apply(e.updates.map(toProtocolUpdate), protocolShape(shape));
  if (fieldToBytes32(step.newRoot) !== e.root.toLowerCase()) {
    throw new Error(`rebuilding epoch ${e.number} gives root ${fieldToBytes32(step.newRoot)}, stored ${e.root}`);
  }
}

/** The first update whose signed chain root is not the root its chain's tree has after it. */
function signedChainRootMismatch(
  updates: readonly EpochUpdate[],
  step: AggregationStepResult,
): { update: EpochUpdate; expected: bigint } | undefined {
  for (let i = 0; i < updates.length; i++) {
    const u = updates[i]!;
    const expected = step.chainRoots[i]!;
    if (u.chainRoot.toLowerCase() !== fieldToBytes32(expected)) return { update: u, expected };
  }
  return undefined;
}

/** The next epoch: its shape and updates, or undefined when nothing can be planned. */
export type EpochPlan = { shape: HubShape; updates: EpochUpdate[]; holdsAll: boolean };

/**
 * The next epoch from the waiting batches (SPEC "Epoch shape"): per chain the consecutive run from its next batch
 * number in `state` (chains in the order their first waiting batch arrived), planned with every shape; libs/protocol
 * `chooseEpochShape` takes the smallest shape that holds everything, or the one holding the most when the backlog
 * exceeds every shape. Batch numbers past the chain tree's capacity (2^CHAIN_DEPTH) are never planned.
 */
export function planEpoch(
  waiting: readonly WaitingBatch[],
  state: AggregationState,
  shapes: readonly HubShape[],
): EpochPlan | undefined {
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
  const byShape = new Map(shapes.map((s) => [protocolShape(s), s] as const));
  const choice = chooseEpochShape(pending, [...byShape.keys()]);
  if (!choice || choice.updates.length === 0) return undefined;
  return {
    shape: byShape.get(choice.shape)!,
    holdsAll: choice.holdsAll,
    updates: choice.updates.map((b) => ({
      slot: b.slot,
      chainId: b.chainId,
      batchNumber: b.batchNumber,
      batchRoot: b.batchRoot,
      chainRoot: b.chainRoot,
      messageCount: b.messageCount,
      firstBlock: b.firstBlock,
      lastBlock: b.lastBlock,
      signature: b.signature,
    })),
  };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
