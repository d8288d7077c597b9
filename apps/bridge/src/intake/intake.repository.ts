import { PrismaService } from '@interop/infra';
import {
  type BatchTree,
  interopMessageFromJson,
  interopMessageToJson,
  MessageKind,
  settledUpdateToJson,
  type InteropMessage,
  type MessageRecord,
} from '@interop/protocol';
import { Injectable, Inject } from '@nestjs/common';
import type { Hex } from 'viem';

import type { Tx } from '../common/prismaTypes';
import { LedgerRepository } from '../ledger/ledger.repository';
import { feeChargedEntry } from '../ledger/ledgerRules';
import type { SettledEpoch } from '../trees/treeState.service';
import { verifyBatch } from './verifyBatch';

/** Where a Kafka record came from; the consumer checkpoint moves with the state change, in one transaction. */
export type RecordSource = { consumer: string; topic: string; partition: number; offset: bigint };

type BatchKey = { srcChainId: bigint; batchNumber: bigint; batchRoot: string };

/** A transaction that completes or settles a batch moves all its messages: more than Prisma's 5 s default allows for a batch of thousands on a loaded machine. */
const BATCH_TX = { maxWait: 10_000, timeout: 60_000 };

/**
 * The intake's Postgres I/O: message records, batches, settled epochs, the status timeline and the fee entry of a
 * proven message. Every write method runs in one transaction together with the consumer checkpoint, and every
 * state change is conditional on the current state, so a record applied twice changes nothing.
 */
@Injectable()
export class IntakeRepository {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
  ) {}

  /** Last offset applied for (consumer, topic, partition). */
  async checkpoint(source: Omit<RecordSource, 'offset'>): Promise<bigint | undefined> {
    const row = await this.prisma.consumerCheckpoint.findUnique({
      where: {
        consumer_topic_partition: { consumer: source.consumer, topic: source.topic, partition: source.partition },
      },
    });
    return row?.offset;
  }

  /** Moves only the checkpoint (a record that changed nothing: duplicate or dead-lettered). */
  async advance(source: RecordSource): Promise<void> {
    await this.prisma.$transaction((tx) => this.saveCheckpoint(tx, source));
  }

  /** Whether an epoch is stored, and its root. */
  async storedEpoch(epoch: bigint): Promise<{ root: string } | null> {
    return this.prisma.bridgeEpoch.findUnique({ where: { epoch }, select: { root: true } });
  }

  /**
   * Stores consecutive message records of one partition in one transaction: the raw records, their batches, the
   * messages (status `sent`) unless a message with the id or the (source, nonce, sender) exists, then re-evaluates
   * each batch they touched once, and moves the checkpoint to `last`. Set-based: multi-row inserts for records,
   * batches, messages and their events, whatever the number of records.
   */
  async storeMessages(
    last: RecordSource,
    items: ReadonlyArray<{ record: MessageRecord; messageId: Hex }>,
    batchDepth: number,
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      if (items.length > 0) await this.storeRecords(tx, items, batchDepth);
      await this.saveCheckpoint(tx, last);
    }, BATCH_TX);
  }

  private async storeRecords(
    tx: Tx,
    items: ReadonlyArray<{ record: MessageRecord; messageId: Hex }>,
    batchDepth: number,
  ): Promise<void> {
    const keyOf = (r: MessageRecord): BatchKey => ({
      srcChainId: r.message.srcChainId,
      batchNumber: r.batchNumber,
      batchRoot: r.batchRoot,
    });
    await tx.bridgeIntakeRecord.createMany({
      data: items.map(({ record, messageId }) => ({
        ...keyOf(record),
        messageCount: record.messageCount,
        leafIndex: record.leafIndex,
        messageId,
        message: interopMessageToJson(record.message),
        txHash: record.txHash,
        blockNumber: record.blockNumber,
        logIndex: record.logIndex,
      })),
      skipDuplicates: true,
    });
    const batches = new Map<string, { key: BatchKey; messageCount: number; ids: string[] }>();
    for (const { record, messageId } of items) {
      const key = keyOf(record);
      const k = `${key.srcChainId}:${key.batchNumber}:${key.batchRoot}`;
      const entry = batches.get(k);
      if (entry) entry.ids.push(messageId);
      else batches.set(k, { key, messageCount: record.messageCount, ids: [messageId] });
    }
    await tx.bridgeBatch.createMany({
      data: [...batches.values()].map((b) => ({ ...b.key, messageCount: b.messageCount })),
      skipDuplicates: true,
    });
    const created = await this.createMessages(
      tx,
      items.map(({ record, messageId }) => ({
        m: record.message,
        messageId,
        at: {
          srcTxHash: record.txHash,
          batchNumber: record.batchNumber,
          leafIndex: record.leafIndex,
          batchRoot: record.batchRoot,
        },
      })),
    );
    for (const { key, ids } of batches.values()) {
      const batch = await this.evaluate(tx, key, batchDepth);
      const fresh = ids.filter((id) => created.has(id));
      if (batch && fresh.length > 0) await this.rejectLateForgeries(tx, batch, fresh);
    }
  }

  /**
   * Creates the message rows (status `sent`, one event each) unless one with the id, or with the (source, nonce,
   * sender), exists (also among `list`: the first wins). Returns the ids created.
   */
  private async createMessages(
    tx: Tx,
    list: ReadonlyArray<{
      m: InteropMessage;
      messageId: string;
      at: { srcTxHash: string; batchNumber: bigint; leafIndex: number; batchRoot: string };
    }>,
  ): Promise<Set<string>> {
    const created = await tx.message.createManyAndReturn({
      data: list.map(({ m, messageId, at }) => ({
        id: messageId,
        srcChainId: m.srcChainId,
        dstChainId: m.dstChainId,
        nonce: m.nonce.toString(),
        sender: m.sender.toLowerCase(),
        recipient: m.recipient.toLowerCase(),
        kind: m.kind === MessageKind.TOKEN ? ('token' as const) : ('call' as const),
        payload: m.payload,
        assetId: m.assetId,
        amount: m.amount.toString(),
        fee: m.fee.toString(),
        gasLimit: m.gasLimit.toString(),
        ...at,
      })),
      skipDuplicates: true,
      select: { id: true, srcTxHash: true, batchNumber: true },
    });
    if (created.length > 0) {
      await tx.messageEvent.createMany({
        data: created.map((c) => ({
          messageId: c.id,
          status: 'sent' as const,
          detail: { srcTxHash: c.srcTxHash, batchNumber: (c.batchNumber as bigint).toString() },
        })),
      });
    }
    return new Set(created.map((c) => c.id));
  }

  /**
   * Records that arrive for a batch verified without them (forgeries under a known root) leave their messages `sent`
   * forever otherwise: fail them with the reason. Only messages still `sent`: the verified leaves have moved on to
   * `batched` or further.
   */
  private async rejectLateForgeries(
    tx: Tx,
    batch: BatchKey & { status: string },
    messageIds: readonly string[],
  ): Promise<void> {
    if (batch.status !== 'verified' && batch.status !== 'settled') return;
    const reason =
      `BATCH_ROOT_MISMATCH: batch ${batch.batchNumber} of chain ${batch.srcChainId} is verified without this record ` +
      `(it does not hash into ${batch.batchRoot})`;
    const moved = await tx.message.updateManyAndReturn({
      where: { id: { in: [...messageIds] }, status: 'sent' },
      data: { status: 'failed', lastError: reason },
      select: { id: true },
    });
    if (moved.length > 0) {
      await tx.messageEvent.createMany({
        data: moved.map((m) => ({ messageId: m.id, status: 'failed' as const, detail: { reason } })),
      });
    }
  }

  /**
   * A verified leaf whose message row is missing: a forged record took its (source, nonce, sender) first. The
   * forged row (never verified, so never booked) gives way; its record stays in `bridge_intake_records` as evidence.
   */
  private async restoreVerified(tx: Tx, key: BatchKey, leafIndex: number, id: string): Promise<void> {
    if (await tx.message.findUnique({ where: { id }, select: { id: true } })) return;
    const record = await tx.bridgeIntakeRecord.findFirst({ where: { ...pick(key), leafIndex, messageId: id } });
    if (!record) return;
    const m = interopMessageFromJson(record.message);
    await tx.message.deleteMany({
      where: {
        srcChainId: m.srcChainId,
        nonce: m.nonce.toString(),
        sender: m.sender.toLowerCase(),
        id: { not: id },
        status: { in: ['sent', 'failed'] },
        epoch: null,
        onChainStatus: null,
      },
    });
    await this.createMessages(tx, [
      {
        m,
        messageId: id,
        at: { srcTxHash: record.txHash, batchNumber: record.batchNumber, leafIndex, batchRoot: record.batchRoot },
      },
    ]);
  }

  /**
   * Stores a settled (already checked) epoch: marks each of its batches settled at this epoch, rejects records that
   * claimed another root for a settled (chain, batch number), and promotes verified batches to proven.
   */
  async storeEpoch(
    source: RecordSource,
    settled: SettledEpoch & { l1TxHash: Hex; l1Block: bigint },
    batchDepth: number,
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.bridgeEpoch.create({
        data: {
          epoch: settled.epoch,
          prevRoot: settled.prevRoot,
          root: settled.root,
          updates: settled.updates.map(settledUpdateToJson),
          l1TxHash: settled.l1TxHash,
          l1Block: settled.l1Block,
        },
      });
      for (const u of settled.updates) {
        const key = { srcChainId: u.chainId, batchNumber: u.batchNumber, batchRoot: u.batchRoot };
        await tx.bridgeBatch.createMany({ data: [{ ...key, messageCount: u.messageCount }], skipDuplicates: true });
        await tx.bridgeBatch.updateMany({ where: { ...key, epoch: null }, data: { epoch: settled.epoch } });
        const rows = await tx.bridgeBatch.findMany({ where: { srcChainId: u.chainId, batchNumber: u.batchNumber } });
        for (const row of rows) await this.evaluate(tx, row, batchDepth);
      }
      await this.saveCheckpoint(tx, source);
    }, BATCH_TX);
  }

  /**
   * Moves a batch as far as its data allows: incomplete -> verified (records hash into its root) or mismatch
   * (rejected: its messages fail with the reason); verified -> settled (a settled root includes exactly this root:
   * messages proven, fee booked), rejected (the settled root of this batch number is another), or held. Set-based: a
   * batch that is still incomplete costs one count (its records are read and hashed once they cover every index), and
   * the transitions of its messages, their events and fee entries are multi-row statements, whatever its size.
   * Returns the batch as it now is (undefined if unknown).
   */
  private async evaluate(
    tx: Tx,
    key: BatchKey,
    batchDepth: number,
  ): Promise<(BatchKey & { status: string; messageCount: number }) | undefined> {
    const batch = await tx.bridgeBatch.findUnique({ where: { srcChainId_batchNumber_batchRoot: pick(key) } });
    if (!batch) return undefined;
    // A mismatch is re-checked when another record arrives: the real record next to a forged one verifies it.
    if (batch.status === 'incomplete' || batch.status === 'mismatch') {
      const present = await this.indexesPresent(tx, batch);
      if (present < batch.messageCount) {
        if (batch.status === 'incomplete') {
          await tx.bridgeBatch.update({
            where: { id: batch.id },
            data: {
              reason: `BATCH_INCOMPLETE: ${batch.messageCount - present} of ${batch.messageCount} message records missing`,
            },
          });
        }
        return batch;
      }
      const records = await tx.bridgeIntakeRecord.findMany({
        where: pick(key),
        orderBy: { id: 'asc' },
        select: { leafIndex: true, messageId: true },
      });
      const result = verifyBatch(
        records.map((r) => ({ leafIndex: r.leafIndex, messageId: r.messageId as Hex })),
        batch.messageCount,
        batch.batchRoot as Hex,
        batchDepth,
      );
      if (result.kind === 'incomplete') {
        await tx.bridgeBatch.update({
          where: { id: batch.id },
          data: { reason: `BATCH_INCOMPLETE: ${result.missing} of ${batch.messageCount} message records missing` },
        });
        return batch;
      }
      if (result.kind === 'mismatch') {
        const reason =
          `BATCH_ROOT_MISMATCH: the ${batch.messageCount} message records of batch ${batch.batchNumber} of chain ` +
          `${batch.srcChainId} hash to ${result.computedRoot}, not the claimed root ${batch.batchRoot}`;
        await tx.bridgeBatch.update({ where: { id: batch.id }, data: { status: 'mismatch', reason } });
        await this.failMessages(tx, [...new Set(records.map((r) => r.messageId))], reason);
        return { ...batch, status: 'mismatch' };
      }
      await tx.bridgeBatch.update({ where: { id: batch.id }, data: { status: 'verified', reason: null } });
      await this.markBatched(tx, batch, result.leaves);
      batch.status = 'verified';
    }
    if (batch.status !== 'verified') return batch;
    const settled = await tx.bridgeBatch.findFirst({
      where: { srcChainId: batch.srcChainId, batchNumber: batch.batchNumber, epoch: { not: null } },
    });
    const ids = await this.batchMessageIds(tx, batch);
    if (!settled) {
      const reason = `BATCH_NOT_SETTLED: batch ${batch.batchNumber} of chain ${batch.srcChainId} is in no settled shared root yet`;
      await tx.bridgeBatch.update({ where: { id: batch.id }, data: { reason } });
      await tx.message.updateMany({ where: { id: { in: ids }, status: 'batched' }, data: { lastError: reason } });
      return batch;
    }
    if (settled.batchRoot !== batch.batchRoot) {
      const reason =
        `SETTLED_ROOT_MISMATCH: epoch ${settled.epoch} settled batch ${batch.batchNumber} of chain ${batch.srcChainId} ` +
        `with root ${settled.batchRoot}, not ${batch.batchRoot}`;
      await tx.bridgeBatch.update({ where: { id: batch.id }, data: { status: 'rejected', reason } });
      await this.failMessages(tx, ids, reason);
      return { ...batch, status: 'rejected' };
    }
    await tx.bridgeBatch.update({ where: { id: batch.id }, data: { status: 'settled', reason: null } });
    const epoch = settled.epoch as bigint;
    const proven = await tx.message.updateManyAndReturn({
      where: { id: { in: ids }, status: 'batched' },
      data: { status: 'proven', epoch, lastError: null, nextAttemptAt: new Date() },
      select: { id: true, srcChainId: true, fee: true },
    });
    if (proven.length > 0) {
      await tx.messageEvent.createMany({
        data: proven.map((m) => ({ messageId: m.id, status: 'proven' as const, detail: { epoch: epoch.toString() } })),
      });
      await this.ledger.postMany(
        tx,
        proven.map((m) => feeChargedEntry({ id: m.id, srcChainId: m.srcChainId, fee: BigInt(m.fee.toFixed()) })),
      );
    }
    return { ...batch, status: 'settled' };
  }

  /** How many distinct leaf indexes `0..messageCount-1` the batch's records cover (one index-only count). */
  private async indexesPresent(tx: Tx, batch: BatchKey & { messageCount: number }): Promise<number> {
    const [row] = await tx.$queryRaw<Array<{ n: number }>>`
      SELECT count(DISTINCT leaf_index)::int AS n FROM bridge_intake_records
      WHERE src_chain_id = ${batch.srcChainId} AND batch_number = ${batch.batchNumber} AND batch_root = ${batch.batchRoot}
        AND leaf_index >= 0 AND leaf_index < ${batch.messageCount}`;
    return row?.n ?? 0;
  }

  /**
   * The messages of a verified batch (`leaves` in leaf order) still `sent` become `batched` at their index, with one
   * event each. A leaf whose row is missing (a forged record took its (source, nonce, sender)) is restored first.
   */
  private async markBatched(tx: Tx, batch: BatchKey, leaves: readonly Hex[]): Promise<void> {
    const firstIndex = new Map<string, number>();
    for (const [i, id] of leaves.entries()) if (!firstIndex.has(id)) firstIndex.set(id, i);
    const ids = [...firstIndex.keys()];
    const existing = new Set(
      (await tx.message.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id),
    );
    for (const id of ids) if (!existing.has(id)) await this.restoreVerified(tx, batch, firstIndex.get(id)!, id);
    const moved = await tx.message.updateManyAndReturn({
      where: { id: { in: ids }, status: 'sent' },
      data: { status: 'batched', batchNumber: batch.batchNumber, batchRoot: batch.batchRoot },
      select: { id: true, leafIndex: true },
    });
    // The row's index comes from the record that created it; one created from another batch's record is moved here.
    for (const m of moved) {
      const leafIndex = firstIndex.get(m.id)!;
      if (m.leafIndex !== leafIndex) await tx.message.update({ where: { id: m.id }, data: { leafIndex } });
    }
    if (moved.length === 0) return;
    const detail = { batchNumber: batch.batchNumber.toString(), batchRoot: batch.batchRoot };
    await tx.messageEvent.createMany({
      data: moved.map((m) => ({ messageId: m.id, status: 'batched' as const, detail })),
    });
  }

  /** Message ids of a verified batch, in leaf order (from its records, which hash into the root). */
  private async batchMessageIds(tx: Tx, batch: BatchKey): Promise<Hex[]> {
    const rows = await tx.message.findMany({
      where: { srcChainId: batch.srcChainId, batchNumber: batch.batchNumber, batchRoot: batch.batchRoot },
      select: { id: true },
      orderBy: { leafIndex: 'asc' },
    });
    return rows.map((r) => r.id as Hex);
  }

  private async failMessages(tx: Tx, ids: string[], reason: string): Promise<void> {
    const moved = await tx.message.updateManyAndReturn({
      where: { id: { in: ids }, status: { in: ['sent', 'batched'] } },
      data: { status: 'failed', lastError: reason },
      select: { id: true },
    });
    if (moved.length === 0) return;
    await tx.messageEvent.createMany({
      data: moved.map((m) => ({ messageId: m.id, status: 'failed' as const, detail: { reason } })),
    });
  }

  private async saveCheckpoint(tx: Tx, s: RecordSource): Promise<void> {
    await tx.consumerCheckpoint.upsert({
      where: { consumer_topic_partition: { consumer: s.consumer, topic: s.topic, partition: s.partition } },
      create: { consumer: s.consumer, topic: s.topic, partition: s.partition, offset: s.offset },
      update: { offset: s.offset },
    });
  }

  /**
   * The batch tree of a verified batch (rebuilt from its records, so a forged record for an index is never used), or
   * undefined when its records do not hash into its root. The relayer reads it once per batch and relay round.
   */
  async batchTree(key: BatchKey, batchDepth: number): Promise<BatchTree | undefined> {
    const batch = await this.prisma.bridgeBatch.findUnique({ where: { srcChainId_batchNumber_batchRoot: pick(key) } });
    if (!batch) return undefined;
    const records = await this.prisma.bridgeIntakeRecord.findMany({
      where: pick(key),
      orderBy: { id: 'asc' },
      select: { leafIndex: true, messageId: true },
    });
    const result = verifyBatch(
      records.map((r) => ({ leafIndex: r.leafIndex, messageId: r.messageId as Hex })),
      batch.messageCount,
      batch.batchRoot as Hex,
      batchDepth,
    );
    return result.kind === 'verified' ? result.tree : undefined;
  }
}

function pick(k: BatchKey): BatchKey {
  return { srcChainId: k.srcChainId, batchNumber: k.batchNumber, batchRoot: k.batchRoot };
}
