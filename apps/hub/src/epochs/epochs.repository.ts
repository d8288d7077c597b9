import { PrismaService, type Epoch, type Prisma } from '@interop/infra';
import { Inject, Injectable } from '@nestjs/common';
import type { Hex } from 'viem';

import { updateFromJson, updateToJson, type EpochRecord, type EpochUpdate, type WaitingBatch } from './epochTypes';

/** The aggregator's Postgres I/O. */
export interface EpochsStore {
  settledEpochs(): Promise<EpochRecord[]>;
  /** The epochs in flight (created, proving, proved or submitted), oldest first. */
  unfinishedEpochs(): Promise<EpochRecord[]>;
  unpublishedEpochs(): Promise<EpochRecord[]>;
  lastEpochNumber(): Promise<bigint>;
  /** Received batches of active chains not in any epoch yet, oldest first. */
  waitingBatches(limit: number): Promise<WaitingBatch[]>;
  createEpoch(e: {
    number: bigint;
    prevRoot: Hex;
    root: Hex;
    shapeId: number;
    dataCommitment: Hex;
    updates: EpochUpdate[];
    circuitInput: unknown;
  }): Promise<void>;
  markProved(number: bigint, proof: unknown, publicSignals: string[], provingMs: number): Promise<void>;
  markSubmitted(number: bigint, txHash: Hex): Promise<void>;
  markSettled(number: bigint, s: { txHash: Hex; l1Block: bigint; gasUsed: bigint | null }): Promise<void>;
  markPublished(number: bigint): Promise<void>;
  recordError(number: bigint, message: string): Promise<void>;
  /**
   * Deletes the unsettled epochs numbered `from` and later and returns their batches to the waiting pool (one
   * transaction); resolves with the deleted epochs. For an epoch L1 will never accept: its number is reused by the
   * re-planned epoch (L1 numbers epochs consecutively).
   */
  abandonFrom(from: bigint): Promise<EpochRecord[]>;
  /** Marks a chain flagged (its batches are no longer planned nor ingested). */
  flagChain(chainId: bigint): Promise<void>;
  findEpoch(number: bigint): Promise<EpochRecord | undefined>;
  latestSettled(): Promise<EpochRecord | undefined>;
}

function toRecord(r: Epoch): EpochRecord {
  return {
    number: r.number,
    prevRoot: r.prevRoot as Hex,
    root: r.root as Hex,
    shapeId: r.shapeId,
    dataCommitment: r.dataCommitment as Hex,
    updates: (r.updates as unknown[]).map(updateFromJson),
    status: r.status,
    proof: r.proof,
    publicSignals: (r.publicSignals as string[] | null) ?? null,
    circuitInput: r.circuitInput,
    l1TxHash: (r.l1TxHash as Hex | null) ?? null,
    l1Block: r.l1Block,
    gasUsed: r.gasUsed === null ? null : BigInt(r.gasUsed.toFixed()),
    provingMs: r.provingMs,
    lastError: r.lastError,
    createdAt: r.createdAt,
    settledAt: r.settledAt,
    publishedAt: r.publishedAt,
  };
}

/** Prisma implementation of {@link EpochsStore}. */
@Injectable()
export class EpochsRepository implements EpochsStore {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async settledEpochs(): Promise<EpochRecord[]> {
    return (await this.prisma.epoch.findMany({ where: { status: 'settled' }, orderBy: { number: 'asc' } })).map(
      toRecord,
    );
  }

  async unfinishedEpochs(): Promise<EpochRecord[]> {
    const rows = await this.prisma.epoch.findMany({
      where: { status: { in: ['created', 'proving', 'proved', 'submitted'] } },
      orderBy: { number: 'asc' },
    });
    return rows.map(toRecord);
  }

  async unpublishedEpochs(): Promise<EpochRecord[]> {
    return (
      await this.prisma.epoch.findMany({ where: { status: 'settled', publishedAt: null }, orderBy: { number: 'asc' } })
    ).map(toRecord);
  }

  async lastEpochNumber(): Promise<bigint> {
    const { _max } = await this.prisma.epoch.aggregate({ _max: { number: true } });
    return _max.number ?? 0n;
  }

  async waitingBatches(limit: number): Promise<WaitingBatch[]> {
    const rows = await this.prisma.batch.findMany({
      where: { status: 'received', epoch: null, chain: { status: 'active' } },
      orderBy: { id: 'asc' },
      take: limit,
      include: { chain: { select: { slot: true } } },
    });
    return rows
      .filter((r) => r.chain.slot !== null)
      .map((r) => ({
        id: r.id,
        slot: r.chain.slot!,
        chainId: r.chainId,
        batchNumber: r.batchNumber,
        batchRoot: r.batchRoot as Hex,
        chainRoot: r.chainRoot as Hex,
        messageCount: r.messageCount,
        firstBlock: r.firstBlock,
        lastBlock: r.lastBlock,
        signature: r.signature as Hex,
      }));
  }

  async createEpoch(e: {
    number: bigint;
    prevRoot: Hex;
    root: Hex;
    shapeId: number;
    dataCommitment: Hex;
    updates: EpochUpdate[];
    circuitInput: unknown;
  }): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.epoch.create({
        data: {
          number: e.number,
          prevRoot: e.prevRoot,
          root: e.root,
          shapeId: e.shapeId,
          dataCommitment: e.dataCommitment,
          updates: e.updates.map(updateToJson),
          circuitInput: e.circuitInput as Prisma.InputJsonValue,
          status: 'created',
        },
      });
      // Reserve the batches for this epoch (one statement); they become `aggregated` once it settles.
      const reserved = await tx.batch.updateMany({
        where: { OR: e.updates.map((u) => ({ chainId: u.chainId, batchNumber: u.batchNumber })), epoch: null },
        data: { epoch: e.number },
      });
      if (reserved.count !== e.updates.length) {
        throw new Error(`epoch ${e.number}: ${reserved.count} of ${e.updates.length} batches were free to reserve`);
      }
    });
  }

  async markProved(number: bigint, proof: unknown, publicSignals: string[], provingMs: number): Promise<void> {
    await this.prisma.epoch.update({
      where: { number },
      data: {
        status: 'proved',
        proof: proof as Prisma.InputJsonValue,
        publicSignals,
        provingMs,
        provedAt: new Date(),
        lastError: null,
      },
    });
  }

  async markSubmitted(number: bigint, txHash: Hex): Promise<void> {
    await this.prisma.epoch.update({
      where: { number },
      data: { status: 'submitted', l1TxHash: txHash, submittedAt: new Date() },
    });
  }

  async markSettled(number: bigint, s: { txHash: Hex; l1Block: bigint; gasUsed: bigint | null }): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.epoch.update({
        where: { number },
        data: {
          status: 'settled',
          l1TxHash: s.txHash,
          l1Block: s.l1Block,
          gasUsed: s.gasUsed === null ? null : s.gasUsed.toString(),
          settledAt: new Date(),
          lastError: null,
        },
      }),
      this.prisma.batch.updateMany({ where: { epoch: number }, data: { status: 'aggregated' } }),
    ]);
  }

  async markPublished(number: bigint): Promise<void> {
    await this.prisma.epoch.update({ where: { number }, data: { publishedAt: new Date() } });
  }

  async recordError(number: bigint, message: string): Promise<void> {
    await this.prisma.epoch.update({ where: { number }, data: { lastError: message.slice(0, 2000) } });
  }

  async abandonFrom(from: bigint): Promise<EpochRecord[]> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.epoch.findMany({
        where: { number: { gte: from }, status: { not: 'settled' } },
        orderBy: { number: 'asc' },
      });
      if (rows.length === 0) return [];
      const numbers = rows.map((r) => r.number);
      await tx.batch.updateMany({ where: { epoch: { in: numbers }, status: 'received' }, data: { epoch: null } });
      await tx.epoch.deleteMany({ where: { number: { in: numbers } } });
      return rows.map(toRecord);
    });
  }

  async flagChain(chainId: bigint): Promise<void> {
    await this.prisma.chain.update({ where: { chainId }, data: { status: 'flagged' } });
  }

  async findEpoch(number: bigint): Promise<EpochRecord | undefined> {
    const row = await this.prisma.epoch.findUnique({ where: { number } });
    return row ? toRecord(row) : undefined;
  }

  async latestSettled(): Promise<EpochRecord | undefined> {
    const row = await this.prisma.epoch.findFirst({ where: { status: 'settled' }, orderBy: { number: 'desc' } });
    return row ? toRecord(row) : undefined;
  }
}
