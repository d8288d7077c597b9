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

/** A failed attempt of one message: what it was, what happens next, and what to book with it. */
export type AttemptFailure = {
  id: string;
  from: 'proven' | 'relaying';
  decision: { kind: 'retry'; attempts: number; nextAttemptAt: Date } | { kind: 'give-up'; attempts: number };
  reason: string;
  entries: Array<JournalEntryDraft | null>;
};

/** Batch transactions (thousands of rows) may outlast Prisma's 5 s default on a loaded machine. */
const BATCH_TX = { maxWait: 10_000, timeout: 60_000 };

/**
 * The relayer's Postgres I/O. Claims are leases (`claimed_by`, `claimed_until`) taken with `FOR UPDATE SKIP
 * LOCKED`, so racing relayer instances never pick the same message; every transition is conditional on the status
 * it expects, so a repeated or late write changes nothing. Writes are set-based: one transaction per relay
 * transaction (recorded) or per receipt (settled), with multi-row statements for the messages, their events and
 * their journal entries.
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

  /** The signed bytes recorded for relay transaction `txHash` (kept on one of its messages), if any. */
  async rawTx(txHash: string): Promise<string | null> {
    const row = await this.prisma.message.findFirst({
      where: { dstTxHash: txHash, relayRawTx: { not: null } },
      select: { relayRawTx: true },
    });
    return row?.relayRawTx ?? null;
  }

  /** A message by id. */
  async get(id: string): Promise<Message | null> {
    return this.prisma.message.findUnique({ where: { id } });
  }

  /** Gives claimed messages back without counting an attempt (e.g. their root is not imported yet). */
  async release(ids: readonly string[], relayer: string, lastError: string, nextAttemptAt: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.message.updateMany({
      where: { id: { in: [...ids] }, claimedBy: relayer, status: 'proven' },
      data: { claimedBy: null, claimedUntil: null, lastError, nextAttemptAt },
    });
  }

  /**
   * Records the signed transaction (hash and raw bytes) and the proofs before it is broadcast: status `relaying`, one
   * event each, in one transaction. The raw bytes are stored once, on the first message of the transaction (a
   * transaction of many messages is large; recovery takes them from whichever row of the transaction holds them).
   * Fails (and records nothing) if any message is no longer leased to `relayer`.
   */
  async recordSent(
    relayer: string,
    tx: { hash: Hex; raw: Hex },
    items: Array<{ id: string; message: InteropMessage; proof: InclusionProof }>,
    leaseMs: number,
  ): Promise<boolean> {
    if (items.length === 0) return false;
    const proofs = JSON.stringify(
      Object.fromEntries(items.map((i) => [i.id, inclusionProofToJson(i.message, i.proof)])),
    );
    const until = new Date(Date.now() + leaseMs);
    try {
      await this.prisma.$transaction(async (db) => {
        // One statement: the proofs travel as one JSON object (id -> proof), parsed once by jsonb_each, and each
        // message moved gets its `relaying` event (the epoch it is proved against is in its proof).
        const [row] = await db.$queryRaw<Array<{ n: number }>>`
          WITH moved AS (
            UPDATE messages AS m SET
              status = 'relaying', dst_tx_hash = ${tx.hash}, relayer = ${relayer}, claimed_until = ${until},
              relay_raw_tx = CASE WHEN m.id = ${items[0]!.id} THEN ${tx.raw} ELSE NULL END,
              proof = p.value, updated_at = now()
            FROM jsonb_each(${proofs}::jsonb) AS p(key, value)
            WHERE m.id = p.key AND m.status = 'proven' AND m.claimed_by = ${relayer}
            RETURNING m.id, p.value -> 'proof' ->> 'epoch' AS epoch
          ), events AS (
            INSERT INTO message_events (message_id, status, detail)
            SELECT id, 'relaying', jsonb_build_object('txHash', ${tx.hash}::text, 'relayer', ${relayer}::text, 'epoch', epoch)
            FROM moved
          )
          SELECT count(*)::int AS n FROM moved`;
        if ((row?.n ?? 0) !== items.length) throw new LeaseLostError(items.length - (row?.n ?? 0));
      }, BATCH_TX);
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

  /** A failed attempt of one message (see {@link settle}). */
  async attemptFailed(failure: AttemptFailure): Promise<void> {
    await this.settle({ outcomes: [], failures: [failure] });
  }

  /** Records final outcomes (from `proven` or `relaying`) and books their entries, once (see {@link settle}). */
  async finalize(outcomes: Outcome[]): Promise<Set<string>> {
    return (await this.settle({ outcomes, failures: [] })).finalized;
  }

  /**
   * Everything one receipt (or one recovery) decided, in one transaction: final outcomes (`executed` / `failed`,
   * from `proven` or `relaying`) and failed attempts (back to `proven` with the next attempt time, or `failed` once
   * the attempts are used up; the raw transaction and the lease cleared). Each transition is conditional on the
   * status it expects, and a message's events and journal entries are written only if it moved (so a repeated
   * settlement books nothing twice). Set-based: messages with the same new values move in one statement, then one
   * insert of all events and one {@link LedgerRepository.postMany}. Returns the ids that moved.
   */
  async settle(p: {
    outcomes: Outcome[];
    failures: AttemptFailure[];
  }): Promise<{ finalized: Set<string>; failed: Set<string> }> {
    const finalized = new Set<string>();
    const failed = new Set<string>();
    if (p.outcomes.length === 0 && p.failures.length === 0) return { finalized, failed };
    await this.prisma.$transaction(async (tx) => {
      const events: Array<{ messageId: string; status: 'proven' | 'failed' | 'executed'; detail: object }> = [];
      const entries: Array<JournalEntryDraft | null> = [];
      const processedAt = new Date();
      for (const group of groupBy(p.outcomes, (o) => [
        o.status,
        o.onChainStatus,
        o.reason,
        o.txHash,
        o.gasUsed,
        o.gasPrice,
      ])) {
        const o = group[0]!;
        const moved = await tx.message.updateManyAndReturn({
          where: { id: { in: group.map((g) => g.id) }, status: { in: ['proven', 'relaying'] } },
          data: {
            status: o.status,
            onChainStatus: o.onChainStatus,
            lastError: o.reason,
            processedAt,
            claimedBy: null,
            claimedUntil: null,
            ...(o.txHash ? { dstTxHash: o.txHash } : {}),
            ...(o.gasUsed !== null ? { gasUsed: o.gasUsed.toString() } : {}),
            ...(o.gasPrice !== null ? { gasPrice: o.gasPrice.toString() } : {}),
          },
          select: { id: true },
        });
        const ids = new Set(moved.map((m) => m.id));
        for (const g of group) {
          if (!ids.has(g.id)) continue;
          finalized.add(g.id);
          events.push({
            messageId: g.id,
            status: g.status,
            detail: { onChainStatus: g.onChainStatus, txHash: g.txHash, ...(g.reason ? { reason: g.reason } : {}) },
          });
          entries.push(...g.entries);
        }
      }
      for (const group of groupBy(p.failures, (f) => [
        f.from,
        f.decision.kind,
        f.decision.attempts,
        f.decision.kind === 'retry' ? f.decision.nextAttemptAt.getTime() : null,
        f.reason,
      ])) {
        const f = group[0]!;
        const giveUp = f.decision.kind === 'give-up';
        const moved = await tx.message.updateManyAndReturn({
          where: { id: { in: group.map((g) => g.id) }, status: f.from },
          data: {
            status: giveUp ? 'failed' : 'proven',
            attempts: f.decision.attempts,
            lastError: f.reason,
            nextAttemptAt: f.decision.kind === 'retry' ? f.decision.nextAttemptAt : null,
            claimedBy: null,
            claimedUntil: null,
            relayRawTx: null,
          },
          select: { id: true },
        });
        const ids = new Set(moved.map((m) => m.id));
        const detail = {
          attempt: f.decision.attempts,
          reason: f.reason,
          ...(f.decision.kind === 'retry' ? { retryAt: f.decision.nextAttemptAt.toISOString() } : {}),
        };
        for (const g of group) {
          if (!ids.has(g.id)) continue;
          failed.add(g.id);
          events.push({ messageId: g.id, status: giveUp ? 'failed' : 'proven', detail });
          entries.push(...g.entries);
        }
      }
      if (events.length > 0) await tx.messageEvent.createMany({ data: events });
      await this.ledger.postMany(tx, entries);
    }, BATCH_TX);
    return { finalized, failed };
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
      await this.ledger.postMany(tx, entries);
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
  constructor(lost: number) {
    super(`the lease of ${lost} message(s) was lost`);
    this.name = 'LeaseLostError';
  }
}

/** `items` grouped by equal `key` values (in first-seen order); bigints and nulls compare by value. */
function groupBy<T>(items: readonly T[], key: (item: T) => unknown[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = JSON.stringify(key(item), (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}
