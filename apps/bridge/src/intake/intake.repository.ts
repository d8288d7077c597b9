import { PrismaService } from '@interop/infra';
import {
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
   * Stores one message record: the raw record, its batch, the message (status `sent`) unless a message with this
   * id or this (source, nonce, sender) exists, then re-evaluates the batch.
   */
  async storeMessage(source: RecordSource, record: MessageRecord, messageId: Hex, batchDepth: number): Promise<void> {
    const m = record.message;
    const key: BatchKey = { srcChainId: m.srcChainId, batchNumber: record.batchNumber, batchRoot: record.batchRoot };
    await this.prisma.$transaction(async (tx) => {
      await tx.bridgeIntakeRecord.createMany({
        data: [
          {
            ...key,
            messageCount: record.messageCount,
            leafIndex: record.leafIndex,
            messageId,
            message: interopMessageToJson(m),
            txHash: record.txHash,
            blockNumber: record.blockNumber,
            logIndex: record.logIndex,
          },
        ],
        skipDuplicates: true,
      });
      await tx.bridgeBatch.createMany({ data: [{ ...key, messageCount: record.messageCount }], skipDuplicates: true });
      const created = await this.createMessage(tx, m, messageId, {
        srcTxHash: record.txHash,
        batchNumber: record.batchNumber,
        leafIndex: record.leafIndex,
        batchRoot: record.batchRoot,
      });
      await this.evaluate(tx, key, batchDepth);
      if (created) await this.rejectLateForgery(tx, key, messageId);
      await this.saveCheckpoint(tx, source);
    });
  }

  /**
   * Creates the message row (status `sent`) unless one with this id, or with this (source, nonce, sender), exists.
   * Returns whether it was created.
   */
  private async createMessage(
    tx: Tx,
    m: InteropMessage,
    messageId: string,
    at: { srcTxHash: string; batchNumber: bigint; leafIndex: number; batchRoot: string },
  ): Promise<boolean> {
    const created = await tx.message.createMany({
      data: [
        {
          id: messageId,
          srcChainId: m.srcChainId,
          dstChainId: m.dstChainId,
          nonce: m.nonce.toString(),
          sender: m.sender.toLowerCase(),
          recipient: m.recipient.toLowerCase(),
          kind: m.kind === MessageKind.TOKEN ? 'token' : 'call',
          payload: m.payload,
          assetId: m.assetId,
          amount: m.amount.toString(),
          fee: m.fee.toString(),
          gasLimit: m.gasLimit.toString(),
          ...at,
        },
      ],
      skipDuplicates: true,
    });
    if (created.count !== 1) return false;
    await tx.messageEvent.create({
      data: { messageId, status: 'sent', detail: { srcTxHash: at.srcTxHash, batchNumber: at.batchNumber.toString() } },
    });
    return true;
  }

  /**
   * A record that arrives for a batch already verified without it (a forgery under a known root) leaves its message
   * `sent` forever otherwise: fail it with the reason.
   */
  private async rejectLateForgery(tx: Tx, key: BatchKey, messageId: string): Promise<void> {
    const batch = await tx.bridgeBatch.findUnique({ where: { srcChainId_batchNumber_batchRoot: pick(key) } });
    if (!batch || (batch.status !== 'verified' && batch.status !== 'settled')) return;
    const reason =
      `BATCH_ROOT_MISMATCH: batch ${batch.batchNumber} of chain ${batch.srcChainId} is verified without this record ` +
      `(it does not hash into ${batch.batchRoot})`;
    // Only a message still `sent`: one of the verified leaves has moved on to `batched` or further.
    const moved = await tx.message.updateMany({
      where: { id: messageId, status: 'sent' },
      data: { status: 'failed', lastError: reason },
    });
    if (moved.count === 1) await tx.messageEvent.create({ data: { messageId, status: 'failed', detail: { reason } } });
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
    await this.createMessage(tx, m, id, {
      srcTxHash: record.txHash,
      batchNumber: record.batchNumber,
      leafIndex,
      batchRoot: record.batchRoot,
    });
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
    });
  }

  /**
   * Moves a batch as far as its data allows: incomplete -> verified (records hash into its root) or mismatch
   * (rejected: its messages fail with the reason); verified -> settled (a settled root includes exactly this root:
   * messages proven, fee booked), rejected (the settled root of this batch number is another), or held.
   */
  private async evaluate(tx: Tx, key: BatchKey, batchDepth: number): Promise<void> {
    const batch = await tx.bridgeBatch.findUnique({ where: { srcChainId_batchNumber_batchRoot: pick(key) } });
    if (!batch) return;
    // A mismatch is re-checked when another record arrives: the real record next to a forged one verifies it.
    if (batch.status === 'incomplete' || batch.status === 'mismatch') {
      const records = await tx.bridgeIntakeRecord.findMany({ where: pick(key), orderBy: { id: 'asc' } });
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
        return;
      }
      if (result.kind === 'mismatch') {
        const reason =
          `BATCH_ROOT_MISMATCH: the ${batch.messageCount} message records of batch ${batch.batchNumber} of chain ` +
          `${batch.srcChainId} hash to ${result.computedRoot}, not the claimed root ${batch.batchRoot}`;
        await tx.bridgeBatch.update({ where: { id: batch.id }, data: { status: 'mismatch', reason } });
        await this.failMessages(tx, [...new Set(records.map((r) => r.messageId))], reason);
        return;
      }
      await tx.bridgeBatch.update({ where: { id: batch.id }, data: { status: 'verified', reason: null } });
      for (const [leafIndex, id] of result.leaves.entries()) {
        await this.restoreVerified(tx, key, leafIndex, id);
        const moved = await tx.message.updateMany({
          where: { id, status: 'sent' },
          data: { status: 'batched', batchNumber: batch.batchNumber, leafIndex, batchRoot: batch.batchRoot },
        });
        if (moved.count === 1) {
          await tx.messageEvent.create({
            data: {
              messageId: id,
              status: 'batched',
              detail: { batchNumber: batch.batchNumber.toString(), batchRoot: batch.batchRoot },
            },
          });
        }
      }
      batch.status = 'verified';
    }
    if (batch.status !== 'verified') return;
    const settled = await tx.bridgeBatch.findFirst({
      where: { srcChainId: batch.srcChainId, batchNumber: batch.batchNumber, epoch: { not: null } },
    });
    const ids = await this.batchMessageIds(tx, batch);
    if (!settled) {
      const reason = `BATCH_NOT_SETTLED: batch ${batch.batchNumber} of chain ${batch.srcChainId} is in no settled shared root yet`;
      await tx.bridgeBatch.update({ where: { id: batch.id }, data: { reason } });
      await tx.message.updateMany({ where: { id: { in: ids }, status: 'batched' }, data: { lastError: reason } });
      return;
    }
    if (settled.batchRoot !== batch.batchRoot) {
      const reason =
        `SETTLED_ROOT_MISMATCH: epoch ${settled.epoch} settled batch ${batch.batchNumber} of chain ${batch.srcChainId} ` +
        `with root ${settled.batchRoot}, not ${batch.batchRoot}`;
      await tx.bridgeBatch.update({ where: { id: batch.id }, data: { status: 'rejected', reason } });
      await this.failMessages(tx, ids, reason);
      return;
    }
    await tx.bridgeBatch.update({ where: { id: batch.id }, data: { status: 'settled', reason: null } });
    const epoch = settled.epoch as bigint;
    for (const id of ids) {
      const moved = await tx.message.updateMany({
        where: { id, status: 'batched' },
        data: { status: 'proven', epoch, lastError: null, nextAttemptAt: new Date() },
      });
      if (moved.count !== 1) continue;
      const message = await tx.message.findUniqueOrThrow({ where: { id } });
      await tx.messageEvent.create({ data: { messageId: id, status: 'proven', detail: { epoch: epoch.toString() } } });
      await this.ledger.post(
        tx,
        feeChargedEntry({ id, srcChainId: message.srcChainId, fee: BigInt(message.fee.toFixed()) }),
      );
    }
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
    for (const id of ids) {
      const moved = await tx.message.updateMany({
        where: { id, status: { in: ['sent', 'batched'] } },
        data: { status: 'failed', lastError: reason },
      });
      if (moved.count === 1)
        await tx.messageEvent.create({ data: { messageId: id, status: 'failed', detail: { reason } } });
    }
  }

  private async saveCheckpoint(tx: Tx, s: RecordSource): Promise<void> {
    await tx.consumerCheckpoint.upsert({
      where: { consumer_topic_partition: { consumer: s.consumer, topic: s.topic, partition: s.partition } },
      create: { consumer: s.consumer, topic: s.topic, partition: s.partition, offset: s.offset },
      update: { offset: s.offset },
    });
  }

  /**
   * The leaves of a verified batch in leaf order (recomputed from its records, so a forged record for an index is
   * never used), or undefined when its records do not hash into its root.
   */
  async batchLeaves(key: BatchKey, batchDepth: number): Promise<Hex[] | undefined> {
    const batch = await this.prisma.bridgeBatch.findUnique({ where: { srcChainId_batchNumber_batchRoot: pick(key) } });
    if (!batch) return undefined;
    const records = await this.prisma.bridgeIntakeRecord.findMany({ where: pick(key), orderBy: { id: 'asc' } });
    const result = verifyBatch(
      records.map((r) => ({ leafIndex: r.leafIndex, messageId: r.messageId as Hex })),
      batch.messageCount,
      batch.batchRoot as Hex,
      batchDepth,
    );
    return result.kind === 'verified' ? result.leaves : undefined;
  }
}

function pick(k: BatchKey): BatchKey {
  return { srcChainId: k.srcChainId, batchNumber: k.batchNumber, batchRoot: k.batchRoot };
}
