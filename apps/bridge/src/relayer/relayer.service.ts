import { interopHandlerAbi } from '@interop/contracts';
import type { BatchTree, InclusionProof, InteropMessage } from '@interop/protocol';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { parseEventLogs, type Hex, type TransactionReceipt } from 'viem';

import {
  ChainGateway,
  isTransportError,
  revertReason,
  type HandlerStatus,
  type RelayCall,
  type RelayFees,
} from '../chains/chainGateway';
import type { FeePolicy, Message } from '../common/prismaTypes';
import { BRIDGE_CONFIG, type BridgeConfig, type ChaosRelayerCrashPoint } from '../config/bridgeConfig';
import { MessageNotFoundError, NotRetryableError, RetryFailedError } from '../errors/bridgeErrors';
import { FeePoliciesRepository } from '../fees/feePolicies.repository';
import { IntakeRepository } from '../intake/intake.repository';
import { feeEarnedEntry, gasShares, relayGasEntry, toSourceWei, type JournalEntryDraft } from '../ledger/ledgerRules';
import { TreeStateService } from '../trees/treeState.service';
import { nextAttempt, type BackoffPolicy } from './backoff';
import { NonceManager } from './nonceManager';
import { halves, RelayChunker, relayItemBytes, type ChunkItem, type ChunkLimits } from './relayChunks';
import { messageOf, RelayRepository, type AttemptFailure, type Outcome } from './relay.repository';

type RelayItem = ChunkItem & { row: Message; message: InteropMessage; proof: InclusionProof };

/** A claimed message ready to prove: the destination imported `epoch`, the root it is proved against. */
type Ready = { row: Message; message: InteropMessage; epoch: bigint };

/** A relay transaction estimated and ready to sign. */
type Prepared = { items: RelayItem[]; data: Hex; gas: bigint };

/** What one destination's part of a round reads once: fee caps and the transaction limits. */
type DstRound = { fees: RelayFees; limits: ChunkLimits; blockGasLimit: bigint };

/** Proofs built in one libs/protocol call, between two yields to the event loop. */
const PROOF_SLICE = 256;
/** Recorded transactions resolved at once by the recovery of in-flight transactions. */
const RECOVERY_CONCURRENCY = 8;

/**
 * What a round reads once for every message it settles: the fee policy in force and each route's exchange rate
 * (InteropCenter(src).feeParams(dst)), instead of once per message.
 */
class RoundContext {
  private policy: Promise<FeePolicy> | undefined;
  private readonly rates = new Map<string, Promise<bigint>>();

  constructor(
    private readonly policies: FeePoliciesRepository,
    private readonly chains: ChainGateway,
  ) {}

  activePolicy(): Promise<FeePolicy> {
    this.policy ??= this.policies.activeAt(new Date()).then((p) => {
      if (!p) throw new Error('no fee policy is active');
      return p;
    });
    return this.policy;
  }

  exchangeRate(src: bigint, dst: bigint): Promise<bigint> {
    const key = `${src}:${dst}`;
    let rate = this.rates.get(key);
    if (!rate) {
      rate = this.chains.feeParams(src, dst).then((p) => p.exchangeRateE18);
      // A failed read is not cached: the next message of the round asks again.
      rate.catch(() => this.rates.delete(key));
      this.rates.set(key, rate);
    }
    return rate;
  }
}

/**
 * The relayer: takes proven messages (leased, so racing instances never share one), checks the destination
 * handler (already processed by anyone -> recorded, never sent again), waits until the destination imported a root
 * that includes the batch, builds the inclusion proofs (libs/protocol; one batch tree per batch and round) and
 * executes them with `executeMessage` / `executeMessages`, as many transactions per destination as the messages
 * need: a transaction holds what fits a share of the block gas limit (worst case: every recipient uses its whole
 * gasLimit), the calldata cap and RELAY_BATCH_SIZE. Nonces are managed locally per destination (read once,
 * resynced after a nonce error or a refused broadcast), so the transactions of a round are signed and broadcast one
 * after another without waiting for receipts, and their receipts are awaited together. Each transaction is signed
 * locally and recorded (hash + raw bytes, status `relaying`) before it is broadcast, so a crash at any point resolves
 * on restart from the receipt or the handler's status. Failures are retried with exponential backoff up to
 * MAX_ATTEMPTS; a delivery the handler recorded FAILED is `failed` with the recipient's revert data. Gas and the fee's
 * revenue split are booked in the ledger when the outcome is known, one database transaction per receipt.
 */
@Injectable()
export class RelayerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Relayer');
  private readonly id: string;
  private readonly backoff: BackoffPolicy;
  private readonly nonces: NonceManager;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  /** Serialises everything that signs with the relayer key (rounds and admin retries). */
  private lock: Promise<unknown> = Promise.resolve();
  private current: Promise<void> | undefined;

  constructor(
    @Inject(RelayRepository) private readonly repo: RelayRepository,
    @Inject(IntakeRepository) private readonly intake: IntakeRepository,
    @Inject(ChainGateway) private readonly chains: ChainGateway,
    @Inject(TreeStateService) private readonly trees: TreeStateService,
    @Inject(FeePoliciesRepository) private readonly policies: FeePoliciesRepository,
    @Inject(BRIDGE_CONFIG) private readonly config: BridgeConfig,
  ) {
    this.id = chains.relayer.address.toLowerCase();
    this.backoff = { maxAttempts: config.MAX_ATTEMPTS, baseMs: config.BACKOFF_BASE_MS, maxMs: config.BACKOFF_MAX_MS };
    this.nonces = new NonceManager((chainId) => chains.pendingNonce(chainId));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.policies.ensureDefault(this.config.DEFAULT_SPLIT_BPS);
    if (this.config.RELAYER_ENABLED) this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.current?.catch(() => undefined);
    // A retry or a second scheduled round may still hold the key's lock: let it finish (it sees `stopping`).
    await this.lock.catch(() => undefined);
  }

  /**
   * One relay round (recovery of in-flight transactions, then new messages until none is due); it resolves once the
   * receipts of its transactions are settled (or left `relaying` for the next round). Exposed for tests and the bench.
   */
  tick(): Promise<void> {
    return this.exclusive(async () => {
      await this.trees.sync();
      await this.recoverInFlight(this.round());
      for (;;) {
        if (this.stopping) return;
        const claimed = await this.repo.claim(this.id, this.config.RELAY_LEASE_MS, this.config.RELAY_BATCH_SIZE);
        if (claimed.length === 0) return;
        const byDst = new Map<bigint, Message[]>();
        for (const row of claimed) pushTo(byDst, row.dstChainId, row);
        const round = this.round();
        await Promise.all(
          [...byDst].map(async ([dst, rows]) => {
            try {
              await this.relay(dst, rows, round);
            } catch (e) {
              // One destination failing (RPC down, chain not configured) must not stop the others: count an attempt
              // for its messages not sent yet (the transition is conditional on `proven`).
              await this.failAttempts(rows, 'proven', `RELAY_ERROR: ${revertReason(e)}`);
            }
          }),
        );
        if (claimed.length < this.config.RELAY_BATCH_SIZE) return;
      }
    });
  }

  /**
   * `POST /messages/:id/retry`: a message FAILED on chain is delivered again with the handler's `retryMessage`;
   * one that failed off chain (attempts used up) is queued again with its attempts reset.
   */
  async retry(id: string): Promise<{ id: string; action: 'requeued' | 'retried'; txHash?: Hex }> {
    const row = await this.repo.get(id);
    if (!row) throw new MessageNotFoundError(id);
    if (row.status !== 'failed') throw new NotRetryableError(id, `its status is ${row.status}, not failed`);
    if (row.onChainStatus === 'FAILED') {
      const txHash = await this.exclusive(async () => {
        const dst = row.dstChainId;
        let signed;
        try {
          const estimate = await this.chains.estimateRelay(dst, {
            functionName: 'retryMessage',
            args: [messageOf(row)],
          });
          const fees = await this.chains.relayFees(dst);
          const nonce = await this.nonces.take(dst);
          signed = await this.chains.signRelayTx(dst, { ...estimate, nonce, fees }).catch((e: unknown) => {
            this.nonces.giveBack(dst, nonce);
            throw e;
          });
        } catch (e) {
          throw new RetryFailedError(id, revertReason(e));
        }
        const sent = await this.chains.broadcast(dst, signed.raw);
        if (!sent.ok) {
          this.nonces.resync(dst);
          throw new RetryFailedError(id, sent.reason);
        }
        const receipt = await this.waitReceipt(dst, signed.hash, this.config.RECEIPT_TIMEOUT_MS);
        if (!receipt) throw new RetryFailedError(id, `no receipt for ${signed.hash} yet`);
        const gas = receipt.gasUsed * receipt.effectiveGasPrice;
        if (receipt.status !== 'success') {
          await this.repo.book([relayGasEntry({ messageId: id, dstChainId: dst, txHash: signed.hash, gasCost: gas })]);
          throw new RetryFailedError(id, `transaction ${signed.hash} reverted`);
        }
        await this.repo.retried(id, signed.hash, [
          relayGasEntry({ messageId: id, dstChainId: dst, txHash: signed.hash, gasCost: gas }),
        ]);
        return signed.hash;
      });
      return { id, action: 'retried', txHash };
    }
    if (!(await this.repo.requeue(id))) throw new NotRetryableError(id, row.lastError ?? 'its batch is not settled');
    this.schedule(0);
    return { id, action: 'requeued' };
  }

  private schedule(ms: number): void {
    if (this.stopping || !this.config.RELAYER_ENABLED) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.current = this.tick()
        .catch((e: unknown) => this.logger.error(`relay round failed: ${(e as Error).stack ?? String(e)}`))
        .finally(() => {
          this.current = undefined;
          this.schedule(this.config.RELAY_INTERVAL_MS);
        });
    }, ms);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private round(): RoundContext {
    return new RoundContext(this.policies, this.chains);
  }

  /**
   * Relays the claimed messages to `dst`: handler statuses and imported roots read in bulk, then batch by batch the
   * proofs (one batch tree each) packed into transactions; a transaction is sent as soon as it is full, while the
   * proofs of the next are built, and every receipt is awaited at the end.
   */
  private async relay(dst: bigint, rows: Message[], round: RoundContext): Promise<void> {
    const statuses = await this.chains.handlerStatuses(
      dst,
      rows.map((r) => r.id as Hex),
    );
    const processed = rows.filter((r) => (statuses.get(r.id as Hex) ?? 'NONE') !== 'NONE');
    await this.processedElsewhere(
      processed.map((row) => ({ row, status: statuses.get(row.id as Hex)!, extra: [] })),
      round,
    );
    const open = rows.filter((r) => (statuses.get(r.id as Hex) ?? 'NONE') === 'NONE');
    if (open.length === 0) return;
    const epochs = await this.proofEpochs(
      dst,
      open.map((r) => r.epoch as bigint),
    );
    const waiting = new Map<bigint, Message[]>();
    const ready: Ready[] = [];
    for (const row of open) {
      const epoch = epochs.get(row.epoch as bigint);
      if (epoch === undefined) pushTo(waiting, row.epoch as bigint, row);
      else ready.push({ row, message: messageOf(row), epoch });
    }
    for (const [epoch, list] of waiting) {
      await this.repo.release(
        list.map((r) => r.id),
        this.id,
        `AWAITING_ROOT_IMPORT: chain ${dst} has not imported the root of epoch ${epoch} yet`,
        new Date(Date.now() + this.config.RELAY_INTERVAL_MS),
      );
    }
    if (ready.length === 0) return;
    const dstRound = await this.dstRound(dst);
    const chunker = new RelayChunker<RelayItem>(dstRound.limits);
    const waits: Array<Promise<void>> = [];
    let estimates: Promise<unknown> = Promise.resolve();
    let queue: Promise<void> = Promise.resolve();
    const dispatch = (chunk: RelayItem[]): void => {
      // Two stages, each in chunk order: the node's estimate of chunk k+1 runs while chunk k is signed, recorded and
      // broadcast (nonce order), and both overlap with building the proofs of the next chunks.
      const prepared = estimates.then(() => this.prepare(dst, chunk, dstRound));
      estimates = prepared.catch(() => undefined);
      const sent = queue.then(async () => {
        const { ready: txs, rejected } = await prepared;
        if (rejected.length > 0) {
          this.logFailures(rejected);
          await this.repo.settle({ outcomes: [], failures: rejected });
        }
        for (const p of txs) {
          if (this.stopping) return;
          const inFlight = await this.send(dst, p, dstRound, round);
          if (inFlight) waits.push(inFlight.settled);
        }
      });
      queue = sent.catch((e: unknown) => this.chunkFailed(dst, chunk, e));
    };
    try {
      for (const group of byBatch(ready)) {
        const { row: first } = group[0]!;
        let tree: BatchTree | undefined;
        try {
          tree = await this.intake.batchTree(
            {
              srcChainId: first.srcChainId,
              batchNumber: first.batchNumber as bigint,
              batchRoot: first.batchRoot as string,
            },
            this.config.depths.batchDepth,
          );
          if (!tree) throw new Error('the batch records do not hash into its root');
        } catch (e) {
          await this.failAttempts(
            group.map((g) => g.row),
            'proven',
            `PROOF_BUILD_FAILED: ${(e as Error).message}`,
          );
          continue;
        }
        for (let i = 0; i < group.length; i += PROOF_SLICE) {
          // A slice of proofs at a time, then the event loop (Kafka heartbeats, HTTP) gets its turn.
          if (i > 0) await new Promise((r) => setImmediate(r));
          const slice = group.slice(i, i + PROOF_SLICE);
          for (const [j, proof] of this.proveSlice(tree, slice).entries()) {
            const { row, message } = slice[j]!;
            if (proof instanceof Error) {
              await this.failAttempts([row], 'proven', `PROOF_BUILD_FAILED: ${proof.message}`);
              continue;
            }
            const full = chunker.push({
              row,
              message,
              proof,
              batchKey: `${row.srcChainId}:${row.batchNumber}:${row.batchRoot}`,
              bytes: relayItemBytes(message, proof),
              gasLimit: message.gasLimit,
            });
            if (full) dispatch(full);
          }
        }
      }
      const last = chunker.flush();
      if (last) dispatch(last);
    } finally {
      // Every transaction of the round is sent, then every receipt awaited and settled.
      await queue;
      await Promise.all(waits);
    }
  }

  /**
   * The proofs of `slice` (messages of one batch, proved against one epoch) from the batch's tree, in one
   * libs/protocol call; if the data does not prove one of them, each is proved alone so only that one fails.
   */
  private proveSlice(tree: BatchTree, slice: readonly Ready[]): Array<InclusionProof | Error> {
    const { row, epoch } = slice[0]!;
    try {
      return this.trees.proofs(
        slice.map((r) => r.message),
        tree,
        row.batchNumber as bigint,
        epoch,
      );
    } catch {
      return slice.map((r) => {
        try {
          return this.trees.proof(r.message, tree, r.row.batchNumber as bigint, r.epoch);
        } catch (e) {
          return e as Error;
        }
      });
    }
  }

  /** A chunk whose sending threw (database or RPC error): its messages not yet recorded count an attempt. */
  private async chunkFailed(dst: bigint, chunk: RelayItem[], e: unknown): Promise<void> {
    this.logger.error(`relaying ${chunk.length} message(s) to chain ${dst} failed: ${revertReason(e)}`);
    await this.failAttempts(
      chunk.map((i) => i.row),
      'proven',
      `RELAY_ERROR: ${revertReason(e)}`,
    ).catch((err: unknown) => this.logger.error(`recording the failure failed: ${revertReason(err)}`));
  }

  /** Block gas limit and fee caps of `dst` for this round, and the limits of one transaction. */
  private async dstRound(dst: bigint): Promise<DstRound> {
    const [blockGasLimit, fees] = await Promise.all([this.chains.blockGasLimit(dst), this.chains.relayFees(dst)]);
    return {
      fees,
      blockGasLimit,
      limits: {
        maxGas: (blockGasLimit * BigInt(this.config.RELAY_TX_GAS_PERCENT)) / 100n,
        maxBytes: this.config.RELAY_MAX_TX_BYTES,
        maxMessages: this.config.RELAY_BATCH_SIZE,
        gasPerMessage: BigInt(this.config.RELAY_GAS_PER_MESSAGE),
        gasPerBatch: BigInt(this.config.RELAY_GAS_PER_BATCH),
      },
    };
  }

  /**
   * The node's estimate of relaying `items` in one transaction. A chunk the node rejects (a revert, not an RPC
   * failure), or whose estimate exceeds the transaction gas limit, is split in halves and each half estimated again,
   * so one bad message never holds the others back: it ends alone and is returned as a failed attempt. An RPC
   * failure fails the whole chunk's attempt (the node could not judge it).
   */
  private async prepare(
    dst: bigint,
    items: RelayItem[],
    round: DstRound,
  ): Promise<{ ready: Prepared[]; rejected: AttemptFailure[] }> {
    let estimate: { data: Hex; gas: bigint };
    try {
      estimate = await this.chains.estimateRelay(dst, callOf(items));
    } catch (e) {
      if (isTransportError(e)) {
        return {
          ready: [],
          rejected: items.map((i) => this.failure(i.row, 'proven', `RELAY_ERROR: ${revertReason(e)}`)),
        };
      }
      if (items.length > 1) return this.prepareHalves(dst, items, round);
      return { ready: [], rejected: [this.failure(items[0]!.row, 'proven', `RELAY_REJECTED: ${revertReason(e)}`)] };
    }
    if (estimate.gas > round.limits.maxGas && items.length > 1) return this.prepareHalves(dst, items, round);
    if (estimate.gas > round.blockGasLimit) {
      const reason = `RELAY_REJECTED: needs ${estimate.gas} gas, over chain ${dst}'s block gas limit ${round.blockGasLimit}`;
      return { ready: [], rejected: [this.failure(items[0]!.row, 'proven', reason)] };
    }
    return { ready: [{ items, ...estimate }], rejected: [] };
  }

  private async prepareHalves(
    dst: bigint,
    items: RelayItem[],
    round: DstRound,
  ): Promise<{ ready: Prepared[]; rejected: AttemptFailure[] }> {
    const [a, b] = halves(items);
    const pa = await this.prepare(dst, a, round);
    const pb = await this.prepare(dst, b, round);
    return { ready: [...pa.ready, ...pb.ready], rejected: [...pa.rejected, ...pb.rejected] };
  }

  /**
   * Signs `p` with the next local nonce, records it, broadcasts it; returns, without waiting for it, the wait for its
   * receipt and settlement (undefined when nothing was sent; wrapped, since an async function returning a promise
   * would wait for it). A transaction that could not be recorded gives its nonce back; a refused
   * broadcast resyncs the nonces (the node never took that nonce, later ones would wait behind the gap).
   */
  private async send(
    dst: bigint,
    p: Prepared,
    dstRound: DstRound,
    round: RoundContext,
  ): Promise<{ settled: Promise<void> } | undefined> {
    const nonce = await this.nonces.take(dst);
    let recorded = false;
    let signed;
    try {
      signed = await this.chains.signRelayTx(dst, { data: p.data, gas: p.gas, nonce, fees: dstRound.fees });
      recorded = await this.repo.recordSent(
        this.id,
        signed,
        p.items.map((i) => ({ id: i.row.id, message: i.message, proof: i.proof })),
        this.config.RELAY_LEASE_MS,
      );
    } finally {
      if (!recorded) this.nonces.giveBack(dst, nonce);
    }
    if (!recorded) return undefined;
    chaosCrashPoint(this.config.CHAOS_RELAYER_CRASH, 'after-record');
    const sent = await this.chains.broadcast(dst, signed.raw);
    chaosCrashPoint(this.config.CHAOS_RELAYER_CRASH, 'after-broadcast');
    const rows = p.items.map((i) => i.row);
    if (!sent.ok) {
      this.nonces.resync(dst);
      await this.failAttempts(rows, 'relaying', `BROADCAST_FAILED: ${sent.reason}`);
      return undefined;
    }
    const hash = signed.hash;
    const settled = (async () => {
      const receipt = await this.waitReceipt(dst, hash, this.config.RECEIPT_TIMEOUT_MS);
      // No receipt yet (or shutting down): the messages stay `relaying` and the next round (or a restart) resolves
      // them. A transaction that long unmined may wait behind a nonce gap: read the nonce again.
      if (!receipt) {
        if (!this.stopping) this.nonces.resync(dst);
        return;
      }
      await this.settle(dst, rows, receipt, round);
    })().catch((e: unknown) =>
      this.logger.error(`settling ${hash} failed (resolved by the next round): ${revertReason(e)}`),
    );
    return { settled };
  }

  /** Resolves transactions recorded but not settled: after a crash, a timeout, or another relayer's expired lease. */
  private async recoverInFlight(round: RoundContext): Promise<void> {
    const rows = await this.repo.inFlight(this.id);
    const byTx = new Map<string, Message[]>();
    for (const row of rows) pushTo(byTx, row.dstTxHash ?? row.id, row);
    const groups = [...byTx];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < groups.length && !this.stopping; i = next++) {
        const [hash, group] = groups[i]!;
        await this.recover(hash, group, round).catch((e: unknown) =>
          this.logger.error(`recovering ${hash} failed (retried next round): ${revertReason(e)}`),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(RECOVERY_CONCURRENCY, groups.length) }, worker));
  }

  /** Resolves one recorded transaction (see recoverInFlight). */
  private async recover(hash: string, group: Message[], round: RoundContext): Promise<void> {
    const dst = group[0]!.dstChainId;
    const recorded = group[0]!.dstTxHash !== null;
    const receipt = recorded ? await this.chains.receipt(dst, hash as Hex) : undefined;
    if (receipt) {
      await this.settle(dst, group, receipt, round);
      return;
    }
    if (recorded && (await this.chains.knowsTransaction(dst, hash as Hex))) {
      await this.repo.extendLease(hash, this.config.RELAY_LEASE_MS);
      return;
    }
    // Unknown to the node: never broadcast (crash right after recording) or dropped. Anyone processed it?
    const statuses = await this.chains.handlerStatuses(
      dst,
      group.map((r) => r.id as Hex),
    );
    const status = (r: Message) => statuses.get(r.id as Hex) ?? 'NONE';
    await this.processedElsewhere(
      group.filter((r) => status(r) !== 'NONE').map((row) => ({ row, status: status(row), extra: [] })),
      round,
    );
    const open = group.filter((r) => status(r) === 'NONE');
    if (open.length === 0) return;
    // The raw bytes are stored on one row of the transaction (see RelayRepository.recordSent).
    const raw = (group.find((r) => r.relayRawTx)?.relayRawTx ??
      (recorded ? await this.repo.rawTx(hash) : null)) as Hex | null;
    const again = raw ? await this.chains.broadcast(dst, raw) : { ok: false as const, reason: 'no signed transaction' };
    if (again.ok) {
      await this.repo.extendLease(hash, this.config.RELAY_LEASE_MS);
      return;
    }
    this.nonces.resync(dst);
    await this.failAttempts(open, 'relaying', `TX_DROPPED: ${again.reason}`);
  }

  /** Books the outcome of a mined relay transaction for each of its messages, in one database transaction. */
  private async settle(dst: bigint, rows: Message[], receipt: TransactionReceipt, round: RoundContext): Promise<void> {
    const txHash = receipt.transactionHash;
    const shares = gasShares(receipt.gasUsed * receipt.effectiveGasPrice, rows.length);
    const gasShare = (i: number) =>
      receipt.gasUsed / BigInt(rows.length) + (i === 0 ? receipt.gasUsed % BigInt(rows.length) : 0n);
    const gasEntry = (row: Message, i: number) =>
      relayGasEntry({ messageId: row.id, dstChainId: dst, txHash, gasCost: shares[i] as bigint });
    if (receipt.status !== 'success') {
      await this.repo.settle({
        outcomes: [],
        failures: rows.map((row, i) => this.failure(row, 'relaying', `TX_REVERTED: ${txHash}`, [gasEntry(row, i)])),
      });
      return;
    }
    const executed = new Set<string>();
    const failed = new Map<string, string>();
    for (const log of parseEventLogs({ abi: interopHandlerAbi, logs: receipt.logs })) {
      if (log.eventName === 'MessageExecuted') executed.add(log.args.messageId.toLowerCase());
      if (log.eventName === 'MessageFailed') failed.set(log.args.messageId.toLowerCase(), log.args.reason);
    }
    // Skipped by executeMessages: another relayer processed them first (or nobody did). Our gas is still a cost.
    const skipped = rows.filter((r) => !executed.has(r.id.toLowerCase()) && !failed.has(r.id.toLowerCase()));
    const skippedStatus =
      skipped.length > 0
        ? await this.chains.handlerStatuses(
            dst,
            skipped.map((r) => r.id as Hex),
          )
        : new Map<Hex, HandlerStatus>();
    const outcomes: Outcome[] = [];
    const failures: AttemptFailure[] = [];
    for (const [i, row] of rows.entries()) {
      const id = row.id.toLowerCase();
      const gas = gasEntry(row, i);
      if (!executed.has(id) && !failed.has(id)) {
        const s = skippedStatus.get(row.id as Hex) ?? 'NONE';
        if (s === 'NONE') {
          failures.push(this.failure(row, 'relaying', `NOT_PROCESSED: ${txHash} did not process the message`, [gas]));
        } else {
          outcomes.push(await this.elsewhere(row, s, [gas], round));
        }
        continue;
      }
      const ok = executed.has(id);
      const reason = ok ? null : `RECIPIENT_REVERTED: ${failed.get(id) ?? '0x'}`;
      outcomes.push({
        id: row.id,
        status: ok ? 'executed' : 'failed',
        onChainStatus: ok ? 'EXECUTED' : 'FAILED',
        reason,
        txHash,
        gasUsed: gasShare(i),
        gasPrice: receipt.effectiveGasPrice,
        entries: [gas, await this.earned(row, shares[i] as bigint, round)],
      });
      if (!ok) this.logger.warn(`message ${row.id} FAILED on chain ${dst}: ${reason}`);
    }
    this.logFailures(failures);
    await this.repo.settle({ outcomes, failures });
  }

  /** The handler already processed these messages (by another relayer, or by us before a crash): record them. */
  private async processedElsewhere(
    list: Array<{ row: Message; status: HandlerStatus; extra: Array<JournalEntryDraft | null> }>,
    round: RoundContext,
  ): Promise<void> {
    if (list.length === 0) return;
    const outcomes = await Promise.all(list.map((p) => this.elsewhere(p.row, p.status, p.extra, round)));
    await this.repo.finalize(outcomes);
  }

  private async elsewhere(
    row: Message,
    s: HandlerStatus,
    extra: Array<JournalEntryDraft | null>,
    round: RoundContext,
  ): Promise<Outcome> {
    return {
      id: row.id,
      status: s === 'EXECUTED' ? 'executed' : 'failed',
      onChainStatus: s === 'EXECUTED' ? 'EXECUTED' : 'FAILED',
      reason:
        s === 'EXECUTED' ? null : 'RECIPIENT_REVERTED: recorded FAILED by the handler (processed by another relayer)',
      txHash: null,
      gasUsed: null,
      gasPrice: null,
      entries: [...extra, await this.earned(row, 0n, round)],
    };
  }

  /**
   * The fee-earned entry of a processed message: gas recovered (converted to the source coin), net split. The policy
   * and the route's rate come from the round (read once).
   */
  private async earned(row: Message, gasCostDst: bigint, round: RoundContext): Promise<JournalEntryDraft | null> {
    const policy = await round.activePolicy();
    const rate = gasCostDst === 0n ? 0n : await round.exchangeRate(row.srcChainId, row.dstChainId);
    return feeEarnedEntry({
      messageId: row.id,
      srcChainId: row.srcChainId,
      fee: BigInt(row.fee.toFixed()),
      gasCostInSource: toSourceWei(gasCostDst, rate),
      split: policy,
    }).entry;
  }

  private failure(
    row: Message,
    from: 'proven' | 'relaying',
    reason: string,
    entries: Array<JournalEntryDraft | null> = [],
  ): AttemptFailure {
    return { id: row.id, from, decision: nextAttempt(this.backoff, row.attempts, new Date()), reason, entries };
  }

  /** One failed attempt for each of `rows` (one database transaction). */
  private async failAttempts(rows: Message[], from: 'proven' | 'relaying', reason: string): Promise<void> {
    if (rows.length === 0) return;
    const failures = rows.map((row) => this.failure(row, from, reason));
    this.logFailures(failures);
    await this.repo.settle({ outcomes: [], failures });
  }

  private logFailures(failures: AttemptFailure[]): void {
    if (failures.length === 0) return;
    const f = failures[0]!;
    const who = failures.length === 1 ? `message ${f.id}` : `${failures.length} messages (first ${f.id})`;
    this.logger.warn(`${who} attempt ${f.decision.attempts} failed: ${f.reason}`);
  }

  /**
   * The epoch to prove each of `epochs` against on `dst`: the batch's own epoch if the destination imported it, else
   * its latest (if later and known here); undefined while neither is imported. One read per distinct epoch.
   */
  private async proofEpochs(dst: bigint, epochs: readonly bigint[]): Promise<Map<bigint, bigint | undefined>> {
    const distinct = [...new Set(epochs)];
    const first = await this.chains.importedRoots(dst, distinct);
    const latest = first.latestEpoch;
    const matches = (epoch: bigint, root: Hex | undefined) =>
      root !== undefined && root.toLowerCase() === this.trees.rootAt(epoch)?.toLowerCase();
    const needLatest = distinct.some((e) => !matches(e, first.roots.get(e)) && latest > e);
    let latestOk = false;
    if (needLatest && latest <= this.trees.latestEpoch) {
      const root = first.roots.get(latest) ?? (await this.chains.importedRoots(dst, [latest])).roots.get(latest);
      latestOk = matches(latest, root);
    }
    return new Map(
      distinct.map((e) => [
        e,
        matches(e, first.roots.get(e))
          ? e
          : latestOk && latest > e && latest <= this.trees.latestEpoch
            ? latest
            : undefined,
      ]),
    );
  }

  /** Polls the receipt until it exists, the deadline passes or the app stops (then undefined: resolved later). */
  private async waitReceipt(dst: bigint, hash: Hex, timeoutMs: number): Promise<TransactionReceipt | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (!this.stopping && Date.now() < deadline) {
      const receipt = await this.chains.receipt(dst, hash);
      if (receipt) return receipt;
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  }
}

/** The handler call relaying `items`: `executeMessage` for one, `executeMessages` for several. */
function callOf(items: readonly RelayItem[]): RelayCall {
  return items.length === 1
    ? { functionName: 'executeMessage', args: [items[0]!.message, items[0]!.proof] }
    : { functionName: 'executeMessages', args: [items.map((i) => i.message), items.map((i) => i.proof)] };
}

/** `ready` grouped by batch (source, number, root) and proof epoch, each group in leaf order, in claim order. */
function byBatch(ready: readonly Ready[]): Ready[][] {
  const groups = new Map<string, Ready[]>();
  for (const r of ready) pushTo(groups, `${r.row.srcChainId}:${r.row.batchNumber}:${r.row.batchRoot}:${r.epoch}`, r);
  return [...groups.values()].map((g) => g.sort((a, b) => (a.row.leafIndex ?? 0) - (b.row.leafIndex ?? 0)));
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Fault injection for the chaos harness (chaos/faults.ts), inert unless the bridge's config has
 * CHAOS_RELAYER_CRASH=after-record|after-broadcast (validated at boot, BridgeConfig): the bridge then kills itself
 * (SIGKILL, no shutdown hook) at that point of its first relay, the window between recording a transaction and
 * recording its outcome.
 */
function chaosCrashPoint(configured: ChaosRelayerCrashPoint | undefined, point: ChaosRelayerCrashPoint): void {
  if (configured === point) process.kill(process.pid, 'SIGKILL');
}
