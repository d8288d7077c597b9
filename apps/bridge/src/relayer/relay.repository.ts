import { PrismaService } from '@interop/infra';
import { inclusionProofToJson, MessageKind, type InclusionProof, type InteropMessage } from '@interop/protocol';
import { Injectable, Inject } from '@nestjs/common';
import type { Address, Hex } from 'viem';

import type { Message, Tx } from '../common/prismaTypes';
import { LedgerRepository } from '../ledger/ledger.repository';
import type { JournalEntryDraft } from '../ledger/ledgerRules';

/** The InteropMessage a `messages` row holds. */
export function messageOf(row: Message): InteropMessage {
  return {
    srcChainId: row.srcChainId,
    dstChainId: row.dstChainId,
    nonce: BigInt(row.nonce.toFixed()),
    sender: row.sender as Address,
    recipient: row.recipient as Address,
    kind: row.kind === 'token' ? MessageKind.TOKEN : MessageKind.CALL,
    payload: row.payload as Hex,
    assetId: row.assetId as Hex,
    amount: BigInt(row.amount.toFixed()),
    fee: BigInt(row.fee.toFixed()),
    gasLimit: BigInt(row.gasLimit.toFixed()),
  };
}

/** The final on-chain outcome of a message, and what to book with it. */
export type Outcome = {
  id: string;
  status: 'executed' | 'failed';
  onChainStatus: 'EXECUTED' | 'FAILED';
  reason: string | null;
  txHash: string | null;
  gasUsed: bigint | null;
  gasPrice: bigint | null;
  entries: Array<JournalEntryDraft | null>;
};

/**
 * The relayer's Postgres I/O. Claims are leases (`claimed_by`, `claimed_until`) taken with `FOR UPDATE SKIP
 * LOCKED`, so racing relayer instances never pick the same message; every transition is conditional on the status
 * it expects, so a repeated or late write changes nothing.
 */
@Injectable()
export class RelayRepository {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
  ) {}

  /**
   * Leases up to `limit` relayable messages (proven, due, not under a live lease, not even this relayer's own: two
   * concurrent claims never overlap) to `relayer`. Every path out of a claim clears it; a crash leaves it until it
   * expires.
   */
  async claim(relayer: string, leaseMs: number, limit: number): Promise<Message[]> {
    const until = new Date(Date.now() + leaseMs);
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      UPDATE messages SET claimed_by = ${relayer}, claimed_until = ${until}
      WHERE id IN (
        SELECT id FROM messages
        WHERE status = 'proven'
          AND (next_attempt_at IS NULL OR next_attempt_at <= now())
          AND (claimed_until IS NULL OR claimed_until < now())
        ORDER BY created_at, id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id`;
    if (rows.length === 0) return [];
    return this.prisma.message.findMany({
      where: { id: { in: rows.map((r) => r.id) } },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** Messages with a destination transaction recorded but no outcome: ours, or another relayer's whose lease ran out. */
  async inFlight(relayer: string): Promise<Message[]> {
    return this.prisma.message.findMany({
      where: {
        status: 'relaying',
        OR: [{ relayer }, { claimedUntil: { lt: new Date() } }, { claimedUntil: null }],
      },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** A message by id. */
  async get(id: string): Promise<Message | null> {
    return this.prisma.message.findUnique({ where: { id } });
  }

  /** Gives a claimed message back without counting an attempt (e.g. its root is not imported yet). */
  async release(id: string, relayer: string, lastError: string, nextAttemptAt: Date): Promise<void> {
    await this.prisma.message.updateMany({
      where: { id, claimedBy: relayer, status: 'proven' },
      data: { claimedBy: null, claimedUntil: null, lastError, nextAttemptAt },
    });
  }

  /**
   * Records the signed transaction (hash and raw bytes) and the proofs before it is broadcast: status `relaying`.
   * Fails (and records nothing) if any message is no longer leased to `relayer`.
   */
  async recordSent(
    relayer: string,
    tx: { hash: Hex; raw: Hex },
    items: Array<{ id: string; message: InteropMessage; proof: InclusionProof }>,
    leaseMs: number,
  ): Promise<boolean> {
    try {
      await this.prisma.$transaction(async (db) => {
        for (const item of items) {
          const moved = await db.message.updateMany({
            where: { id: item.id, status: 'proven', claimedBy: relayer },
            data: {
              status: 'relaying',
              dstTxHash: tx.hash,
              relayRawTx: tx.raw,
              relayer,
              claimedUntil: new Date(Date.now() + leaseMs),
              proof: inclusionProofToJson(item.message, item.proof),
            },
          });
          if (moved.count !== 1) throw new LeaseLostError(item.id);
          await db.messageEvent.create({
            data: {
              messageId: item.id,
              status: 'relaying',
              detail: { txHash: tx.hash, relayer, epoch: item.proof.epoch.toString() },
            },
          });
        }
      });
      return true;
    } catch (e) {
      if (e instanceof LeaseLostError) return false;
      throw e;
    }
  }

  /** Extends the lease of in-flight messages of `txHash` (still pending on the node). */
  async extendLease(txHash: string, leaseMs: number): Promise<void> {
    await this.prisma.message.updateMany({
      where: { dstTxHash: txHash, status: 'relaying' },
      data: { claimedUntil: new Date(Date.now() + leaseMs) },
    });
  }

  /**
   * A failed attempt: back to `proven` with the next attempt time, or `failed` once the attempts are used up.
   * `entries` (e.g. the gas of a reverted transaction) are booked in the same transaction.
   */
  async attemptFailed(
    id: string,
    from: 'proven' | 'relaying',
    decision: { kind: 'retry'; attempts: number; nextAttemptAt: Date } | { kind: 'give-up'; attempts: number },
    reason: string,
    entries: Array<JournalEntryDraft | null> = [],
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const giveUp = decision.kind === 'give-up';
      const moved = await tx.message.updateMany({
        where: { id, status: from },
        data: {
          status: giveUp ? 'failed' : 'proven',
          attempts: decision.attempts,
          lastError: reason,
          nextAttemptAt: decision.kind === 'retry' ? decision.nextAttemptAt : null,
          claimedBy: null,
          claimedUntil: null,
          relayRawTx: null,
        },
      });
      if (moved.count !== 1) return;
      await tx.messageEvent.create({
        data: {
          messageId: id,
          status: giveUp ? 'failed' : 'proven',
          detail: {
            attempt: decision.attempts,
            reason,
            ...(giveUp ? {} : { retryAt: (decision as { nextAttemptAt: Date }).nextAttemptAt.toISOString() }),
          },
        },
      });
      for (const e of entries) await this.ledger.post(tx, e);
    });
  }

  /** Records the final outcome (from `proven` or `relaying`) and books its entries, once. */
  async finalize(outcome: Outcome): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const moved = await tx.message.updateMany({
        where: { id: outcome.id, status: { in: ['proven', 'relaying'] } },
        data: {
          status: outcome.status,
          onChainStatus: outcome.onChainStatus,
          lastError: outcome.reason,
          processedAt: new Date(),
          claimedBy: null,
          claimedUntil: null,
          ...(outcome.txHash ? { dstTxHash: outcome.txHash } : {}),
          ...(outcome.gasUsed !== null ? { gasUsed: outcome.gasUsed.toString() } : {}),
          ...(outcome.gasPrice !== null ? { gasPrice: outcome.gasPrice.toString() } : {}),
        },
      });
      if (moved.count !== 1) return false;
      await tx.messageEvent.create({
        data: {
          messageId: outcome.id,
          status: outcome.status,
          detail: {
            onChainStatus: outcome.onChainStatus,
            txHash: outcome.txHash,
            ...(outcome.reason ? { reason: outcome.reason } : {}),
          },
        },
      });
      for (const e of outcome.entries) await this.ledger.post(tx, e);
      return true;
    });
  }

  /** After a successful on-chain `retryMessage`: failed -> executed, with the retry's gas. */
  async retried(id: string, txHash: string, entries: Array<JournalEntryDraft | null>): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const moved = await tx.message.updateMany({
        where: { id, status: 'failed', onChainStatus: 'FAILED' },
        data: {
          status: 'executed',
          onChainStatus: 'EXECUTED',
          lastError: null,
          dstTxHash: txHash,
          processedAt: new Date(),
        },
      });
      if (moved.count !== 1) return;
      await tx.messageEvent.create({ data: { messageId: id, status: 'executed', detail: { txHash, retried: true } } });
      for (const e of entries) await this.ledger.post(tx, e);
    });
  }

  /** Books entries that go with no status change (e.g. the gas of a reverted retry). */
  async book(entries: Array<JournalEntryDraft | null>): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      for (const e of entries) await this.ledger.post(tx, e);
    });
  }

  /** Puts a failed (off-chain) message back in the queue: attempts reset. */
  async requeue(id: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx: Tx) => {
      const moved = await tx.message.updateMany({
        where: { id, status: 'failed', onChainStatus: null, epoch: { not: null } },
        data: {
          status: 'proven',
          attempts: 0,
          nextAttemptAt: new Date(),
          lastError: null,
          claimedBy: null,
          claimedUntil: null,
        },
      });
      if (moved.count !== 1) return false;
      await tx.messageEvent.create({ data: { messageId: id, status: 'proven', detail: { requeued: true } } });
      return true;
    });
  }
}

class LeaseLostError extends Error {
  constructor(id: string) {
    super(`lease of message ${id} was lost`);
    this.name = 'LeaseLostError';
  }
}
