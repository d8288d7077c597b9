import { interopHandlerAbi } from '@interop/contracts';
import type { InclusionProof, InteropMessage } from '@interop/protocol';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { parseEventLogs, type Hex, type TransactionReceipt } from 'viem';

import { ChainGateway, revertReason, type HandlerStatus } from '../chains/chainGateway';
import type { Message } from '../common/prismaTypes';
import { BRIDGE_CONFIG, type BridgeConfig } from '../config/bridgeConfig';
import { MessageNotFoundError, NotRetryableError, RetryFailedError } from '../errors/bridgeErrors';
import { FeePoliciesRepository } from '../fees/feePolicies.repository';
import { IntakeRepository } from '../intake/intake.repository';
import { feeEarnedEntry, gasShares, relayGasEntry, toSourceWei, type JournalEntryDraft } from '../ledger/ledgerRules';
import { TreeStateService } from '../trees/treeState.service';
import { nextAttempt, type BackoffPolicy } from './backoff';
import { messageOf, RelayRepository, type Outcome } from './relay.repository';

type RelayItem = { row: Message; message: InteropMessage; proof: InclusionProof };

/**
 * The relayer: takes proven messages (leased, so racing instances never share one), checks the destination
 * handler (already processed by anyone -> recorded, never sent again), waits until the destination imported a root
 * that includes the batch, builds the inclusion proofs (libs/protocol) and executes them with `executeMessage` /
 * `executeMessages`. The transaction is signed locally and recorded (hash + raw bytes, status `relaying`) before it
 * is broadcast, so a crash at any point resolves on restart from the receipt or the handler's status. Failures are
 * retried with exponential backoff up to MAX_ATTEMPTS; a delivery the handler recorded FAILED is `failed` with the
 * recipient's revert data. Gas and the fee's revenue split are booked in the ledger when the outcome is known.
 */
@Injectable()
export class RelayerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Relayer');
  private readonly id: string;
  private readonly backoff: BackoffPolicy;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  /** Serialises everything that signs with the relayer key (nonces). */
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

  /** One relay round (recovery of in-flight transactions, then new messages). Exposed for tests and the bench. */
  tick(): Promise<void> {
    return this.exclusive(async () => {
      await this.trees.sync();
      await this.recoverInFlight();
      for (;;) {
        if (this.stopping) return;
        const claimed = await this.repo.claim(this.id, this.config.RELAY_LEASE_MS, this.config.RELAY_BATCH_SIZE);
        if (claimed.length === 0) return;
        const byDst = new Map<bigint, Message[]>();
        for (const row of claimed) byDst.set(row.dstChainId, [...(byDst.get(row.dstChainId) ?? []), row]);
        for (const [dst, rows] of byDst) {
          try {
            await this.relay(dst, rows);
          } catch (e) {
            // One destination failing (RPC down, chain not configured) must not stop the others: count an attempt.
            const reason = `RELAY_ERROR: ${revertReason(e)}`;
            for (const row of rows) await this.failAttempt(row, 'proven', reason);
          }
        }
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
          signed = await this.chains.signRelay(dst, { functionName: 'retryMessage', args: [messageOf(row)] });
        } catch (e) {
          throw new RetryFailedError(id, revertReason(e));
        }
        const sent = await this.chains.broadcast(dst, signed.raw);
        if (!sent.ok) throw new RetryFailedError(id, sent.reason);
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

  private async relay(dst: bigint, rows: Message[]): Promise<void> {
    const statuses = await this.chains.handlerStatuses(
      dst,
      rows.map((r) => r.id as Hex),
    );
    const items: RelayItem[] = [];
    for (const row of rows) {
      const onChain = statuses.get(row.id as Hex) ?? 'NONE';
      if (onChain !== 'NONE') {
        await this.processedElsewhere(row, onChain);
        continue;
      }
      const epoch = await this.proofEpoch(dst, row);
      if (epoch === undefined) {
        await this.repo.release(
          row.id,
          this.id,
          `AWAITING_ROOT_IMPORT: chain ${dst} has not imported the root of epoch ${row.epoch} yet`,
          new Date(Date.now() + this.config.RELAY_INTERVAL_MS),
        );
        continue;
      }
      const message = messageOf(row);
      try {
        const leaves = await this.intake.batchLeaves(
          { srcChainId: row.srcChainId, batchNumber: row.batchNumber as bigint, batchRoot: row.batchRoot as string },
          this.config.depths.batchDepth,
        );
        if (!leaves) throw new Error('the batch records do not hash into its root');
        items.push({ row, message, proof: this.trees.proof(message, leaves, row.batchNumber as bigint, epoch) });
      } catch (e) {
        await this.failAttempt(row, 'proven', `PROOF_BUILD_FAILED: ${(e as Error).message}`);
      }
    }
    if (items.length === 0) return;
    let signed;
    try {
      signed = await this.chains.signRelay(
        dst,
        items.length === 1
          ? { functionName: 'executeMessage', args: [items[0]!.message, items[0]!.proof] }
          : { functionName: 'executeMessages', args: [items.map((i) => i.message), items.map((i) => i.proof)] },
      );
    } catch (e) {
      const reason = `RELAY_REJECTED: ${revertReason(e)}`;
      // One bad message must not hold the others back: a rejected batch is retried one by one.
      if (items.length > 1) {
        for (const item of items) await this.relaySingle(dst, item);
        return;
      }
      await this.failAttempt(items[0]!.row, 'proven', reason);
      return;
    }
    await this.send(dst, items, signed);
  }

  private async relaySingle(dst: bigint, item: RelayItem): Promise<void> {
    try {
      const signed = await this.chains.signRelay(dst, {
        functionName: 'executeMessage',
        args: [item.message, item.proof],
      });
      await this.send(dst, [item], signed);
    } catch (e) {
      await this.failAttempt(item.row, 'proven', `RELAY_REJECTED: ${revertReason(e)}`);
    }
  }

  private async send(dst: bigint, items: RelayItem[], signed: { hash: Hex; raw: Hex }): Promise<void> {
    const recorded = await this.repo.recordSent(
      this.id,
      signed,
      items.map((i) => ({ id: i.row.id, message: i.message, proof: i.proof })),
      this.config.RELAY_LEASE_MS,
    );
    if (!recorded) return;
    chaosCrashPoint('after-record');
    const sent = await this.chains.broadcast(dst, signed.raw);
    chaosCrashPoint('after-broadcast');
    if (!sent.ok) {
      for (const item of items) await this.failAttempt(item.row, 'relaying', `BROADCAST_FAILED: ${sent.reason}`);
      return;
    }
    const receipt = await this.waitReceipt(dst, signed.hash, this.config.RECEIPT_TIMEOUT_MS);
    // No receipt yet (or shutting down): the message stays `relaying` and the next round (or a restart) resolves it.
    if (receipt)
      await this.settle(
        dst,
        items.map((i) => i.row),
        receipt,
      );
  }

  /** Resolves transactions recorded but not settled: after a crash, a timeout, or another relayer's expired lease. */
  private async recoverInFlight(): Promise<void> {
    const rows = await this.repo.inFlight(this.id);
    const byTx = new Map<string, Message[]>();
    for (const row of rows) byTx.set(row.dstTxHash ?? row.id, [...(byTx.get(row.dstTxHash ?? row.id) ?? []), row]);
    for (const [hash, group] of byTx) {
      if (this.stopping) return;
      await this.recover(hash, group).catch((e: unknown) =>
        this.logger.error(`recovering ${hash} failed (retried next round): ${revertReason(e)}`),
      );
    }
  }

  /** Resolves one recorded transaction (see recoverInFlight). */
  private async recover(hash: string, group: Message[]): Promise<void> {
    const dst = group[0]!.dstChainId;
    const receipt = group[0]!.dstTxHash ? await this.chains.receipt(dst, hash as Hex) : undefined;
    if (receipt) {
      await this.settle(dst, group, receipt);
      return;
    }
    if (group[0]!.dstTxHash && (await this.chains.knowsTransaction(dst, hash as Hex))) {
      await this.repo.extendLease(hash, this.config.RELAY_LEASE_MS);
      return;
    }
    // Unknown to the node: never broadcast (crash right after recording) or dropped. Anyone processed it?
    const statuses = await this.chains.handlerStatuses(
      dst,
      group.map((r) => r.id as Hex),
    );
    const open: Message[] = [];
    for (const row of group) {
      const s = statuses.get(row.id as Hex) ?? 'NONE';
      if (s !== 'NONE') await this.processedElsewhere(row, s);
      else open.push(row);
    }
    if (open.length === 0) return;
    const raw = open[0]!.relayRawTx as Hex | null;
    const again = raw ? await this.chains.broadcast(dst, raw) : { ok: false as const, reason: 'no signed transaction' };
    if (again.ok) {
      await this.repo.extendLease(hash, this.config.RELAY_LEASE_MS);
      return;
    }
    for (const row of open) await this.failAttempt(row, 'relaying', `TX_DROPPED: ${again.reason}`);
  }

  /** Books the outcome of a mined relay transaction for each of its messages. */
  private async settle(dst: bigint, rows: Message[], receipt: TransactionReceipt): Promise<void> {
    const txHash = receipt.transactionHash;
    const shares = gasShares(receipt.gasUsed * receipt.effectiveGasPrice, rows.length);
    const gasShare = (i: number) =>
      receipt.gasUsed / BigInt(rows.length) + (i === 0 ? receipt.gasUsed % BigInt(rows.length) : 0n);
    if (receipt.status !== 'success') {
      for (const [i, row] of rows.entries()) {
        await this.failAttempt(row, 'relaying', `TX_REVERTED: ${txHash}`, [
          relayGasEntry({ messageId: row.id, dstChainId: dst, txHash, gasCost: shares[i] as bigint }),
        ]);
      }
      return;
    }
    const executed = new Set<string>();
    const failed = new Map<string, string>();
    for (const log of parseEventLogs({ abi: interopHandlerAbi, logs: receipt.logs })) {
      if (log.eventName === 'MessageExecuted') executed.add(log.args.messageId.toLowerCase());
      if (log.eventName === 'MessageFailed') failed.set(log.args.messageId.toLowerCase(), log.args.reason);
    }
    for (const [i, row] of rows.entries()) {
      const id = row.id.toLowerCase();
      const gas = relayGasEntry({ messageId: row.id, dstChainId: dst, txHash, gasCost: shares[i] as bigint });
      if (!executed.has(id) && !failed.has(id)) {
        // Skipped by executeMessages: another relayer processed it first. Our gas is still a cost.
        const s = (await this.chains.handlerStatuses(dst, [row.id as Hex])).get(row.id as Hex) ?? 'NONE';
        if (s === 'NONE') {
          await this.failAttempt(row, 'relaying', `NOT_PROCESSED: ${txHash} did not process the message`, [gas]);
        } else {
          await this.processedElsewhere(row, s, [gas]);
        }
        continue;
      }
      const ok = executed.has(id);
      const reason = ok ? null : `RECIPIENT_REVERTED: ${failed.get(id) ?? '0x'}`;
      await this.repo.finalize({
        id: row.id,
        status: ok ? 'executed' : 'failed',
        onChainStatus: ok ? 'EXECUTED' : 'FAILED',
        reason,
        txHash,
        gasUsed: gasShare(i),
        gasPrice: receipt.effectiveGasPrice,
        entries: [gas, await this.earned(row, shares[i] as bigint)],
      });
      if (!ok) this.logger.warn(`message ${row.id} FAILED on chain ${dst}: ${reason}`);
    }
  }

  /** The handler already processed `row` (by another relayer, or by us before a crash we cannot see): record it. */
  private async processedElsewhere(
    row: Message,
    s: HandlerStatus,
    extra: Array<JournalEntryDraft | null> = [],
  ): Promise<void> {
    const outcome: Outcome = {
      id: row.id,
      status: s === 'EXECUTED' ? 'executed' : 'failed',
      onChainStatus: s === 'EXECUTED' ? 'EXECUTED' : 'FAILED',
      reason:
        s === 'EXECUTED' ? null : 'RECIPIENT_REVERTED: recorded FAILED by the handler (processed by another relayer)',
      txHash: null,
      gasUsed: null,
      gasPrice: null,
      entries: [...extra, await this.earned(row, 0n)],
    };
    await this.repo.finalize(outcome);
  }

  /** The fee-earned entry of a processed message: gas recovered (converted to the source coin), net split. */
  private async earned(row: Message, gasCostDst: bigint): Promise<JournalEntryDraft | null> {
    const policy = await this.policies.activeAt(new Date());
    if (!policy) throw new Error('no fee policy is active');
    const rate = gasCostDst === 0n ? 0n : (await this.chains.feeParams(row.srcChainId, row.dstChainId)).exchangeRateE18;
    return feeEarnedEntry({
      messageId: row.id,
      srcChainId: row.srcChainId,
      fee: BigInt(row.fee.toFixed()),
      gasCostInSource: toSourceWei(gasCostDst, rate),
      split: policy,
    }).entry;
  }

  private async failAttempt(
    row: Message,
    from: 'proven' | 'relaying',
    reason: string,
    entries: Array<JournalEntryDraft | null> = [],
  ): Promise<void> {
    const decision = nextAttempt(this.backoff, row.attempts, new Date());
    this.logger.warn(`message ${row.id} attempt ${decision.attempts} failed: ${reason}`);
    await this.repo.attemptFailed(row.id, from, decision, reason, entries);
  }

  /** The epoch to prove against: the batch's own epoch if the destination imported it, else its latest (if later). */
  private async proofEpoch(dst: bigint, row: Message): Promise<bigint | undefined> {
    const epoch = row.epoch as bigint;
    const imported = await this.chains.importedRoot(dst, epoch);
    if (imported.root.toLowerCase() === this.trees.rootAt(epoch)?.toLowerCase()) return epoch;
    if (imported.latestEpoch > epoch && imported.latestEpoch <= this.trees.latestEpoch) {
      const latest = await this.chains.importedRoot(dst, imported.latestEpoch);
      if (latest.root.toLowerCase() === this.trees.rootAt(imported.latestEpoch)?.toLowerCase())
        return imported.latestEpoch;
    }
    return undefined;
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

/**
 * Fault injection for the chaos harness (chaos/faults.ts), inert unless the process was started with
 * CHAOS_RELAYER_CRASH=after-record|after-broadcast: the bridge then kills itself (SIGKILL, no shutdown hook) at that
 * point of its first relay, the window between recording a transaction and recording its outcome.
 */
function chaosCrashPoint(point: 'after-record' | 'after-broadcast'): void {
  if (process.env.CHAOS_RELAYER_CRASH === point) process.kill(process.pid, 'SIGKILL');
}
