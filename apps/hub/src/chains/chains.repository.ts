import { PrismaService } from '@interop/infra';
import { Inject, Injectable } from '@nestjs/common';

/** A chain row as the services use it. */
export type ChainRecord = {
  chainId: bigint;
  name: string;
  operator: string;
  slot: number | null;
  status: 'pending' | 'approving' | 'active' | 'paused' | 'flagged';
  l1TxHash: string | null;
  registrationSignature: string | null;
  registeredAt: Date;
  approvedAt: Date | null;
};

/** The registry's Postgres I/O. */
export interface ChainsStore {
  find(chainId: bigint): Promise<ChainRecord | undefined>;
  list(): Promise<ChainRecord[]>;
  /** Inserts a pending chain; resolves false when the chain id exists already. */
  createPending(c: { chainId: bigint; name: string; operator: string; signature: string }): Promise<boolean>;
  /** Next free slot (one past the highest assigned). */
  nextSlot(): Promise<number>;
  /** Records the approval intent (status approving, slot) before the L1 transaction is sent. */
  markApproving(chainId: bigint, slot: number): Promise<void>;
  setL1TxHash(chainId: bigint, hash: string): Promise<void>;
  markActive(chainId: bigint, slot: number, l1TxHash: string | null): Promise<void>;
  setStatus(chainId: bigint, status: ChainRecord['status']): Promise<void>;
  listApproving(): Promise<ChainRecord[]>;
}

const select = {
  chainId: true,
  name: true,
  operator: true,
  slot: true,
  status: true,
  l1TxHash: true,
  registrationSignature: true,
  registeredAt: true,
  approvedAt: true,
} as const;

/** Prisma implementation of {@link ChainsStore}. */
@Injectable()
export class ChainsRepository implements ChainsStore {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async find(chainId: bigint): Promise<ChainRecord | undefined> {
    return (await this.prisma.chain.findUnique({ where: { chainId }, select })) ?? undefined;
  }

  list(): Promise<ChainRecord[]> {
    return this.prisma.chain.findMany({ select, orderBy: { chainId: 'asc' } });
  }

  async createPending(c: { chainId: bigint; name: string; operator: string; signature: string }): Promise<boolean> {
    const result = await this.prisma.chain.createMany({
      data: [
        {
          chainId: c.chainId,
          name: c.name,
          operator: c.operator,
          registrationSignature: c.signature,
          status: 'pending',
        },
      ],
      skipDuplicates: true,
    });
    return result.count === 1;
  }

  async nextSlot(): Promise<number> {
    const { _max } = await this.prisma.chain.aggregate({ _max: { slot: true } });
    return _max.slot === null ? 0 : _max.slot + 1;
  }

  async markApproving(chainId: bigint, slot: number): Promise<void> {
    await this.prisma.chain.update({ where: { chainId }, data: { status: 'approving', slot, approvedAt: new Date() } });
  }

  async setL1TxHash(chainId: bigint, hash: string): Promise<void> {
    await this.prisma.chain.update({ where: { chainId }, data: { l1TxHash: hash } });
  }

  async markActive(chainId: bigint, slot: number, l1TxHash: string | null): Promise<void> {
    await this.prisma.chain.update({ where: { chainId }, data: { status: 'active', slot, l1TxHash } });
  }

  async setStatus(chainId: bigint, status: ChainRecord['status']): Promise<void> {
    await this.prisma.chain.update({ where: { chainId }, data: { status } });
  }

  listApproving(): Promise<ChainRecord[]> {
    return this.prisma.chain.findMany({ where: { status: 'approving' }, select, orderBy: { slot: 'asc' } });
  }
}
