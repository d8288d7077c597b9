import { PrismaService } from '@interop/infra';
import { Injectable, Inject } from '@nestjs/common';

import type { FeePolicy, Tx } from '../common/prismaTypes';
import { Prisma } from '../common/prismaTypes';

/** A fee-policy version as the API shows it. */
export type FeePolicyView = {
  version: number;
  burnBps: number;
  stakingBps: number;
  treasuryBps: number;
  activeFrom: string;
  description: string | null;
  createdAt: string;
};

/** Stores fee-policy versions (`fee_policies`; a CHECK keeps each split summing to 10000). */
@Injectable()
export class FeePoliciesRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** Every version, newest first. */
  async list(): Promise<FeePolicyView[]> {
    const rows = await this.prisma.feePolicy.findMany({ orderBy: { version: 'desc' } });
    return rows.map(view);
  }

  /** The version in force at `at`: the latest `activeFrom <= at`. */
  async activeAt(at: Date, tx: Tx = this.prisma): Promise<FeePolicy | null> {
    return tx.feePolicy.findFirst({
      where: { activeFrom: { lte: at } },
      orderBy: [{ activeFrom: 'desc' }, { version: 'desc' }],
    });
  }

  /** Adds the next version (version = max + 1); retried once if another instance took the number. */
  async create(p: {
    burnBps: number;
    stakingBps: number;
    treasuryBps: number;
    activeFrom: Date;
    description?: string | undefined;
  }): Promise<FeePolicyView> {
    for (let attempt = 0; ; attempt++) {
      try {
        const row = await this.prisma.$transaction(async (tx) => {
          const last = await tx.feePolicy.findFirst({ orderBy: { version: 'desc' } });
          return tx.feePolicy.create({
            data: {
              version: (last?.version ?? 0) + 1,
              burnBps: p.burnBps,
              stakingBps: p.stakingBps,
              treasuryBps: p.treasuryBps,
              activeFrom: p.activeFrom,
              params: { description: p.description ?? null },
            },
          });
        });
        return view(row);
      } catch (e) {
        if (attempt < 3 && e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') continue;
        throw e;
      }
    }
  }

  /** Creates version 1 from the configured default split when no version exists yet (first start). */
  async ensureDefault(split: readonly [number, number, number]): Promise<void> {
    if ((await this.prisma.feePolicy.count()) > 0) return;
    await this.create({
      burnBps: split[0],
      stakingBps: split[1],
      treasuryBps: split[2],
      activeFrom: new Date(0),
      description: 'default split (DEFAULT_SPLIT_BPS)',
    }).catch(async (e: unknown) => {
      // Another instance created it first: fine.
      if ((await this.prisma.feePolicy.count()) === 0) throw e;
    });
  }
}

function view(row: FeePolicy): FeePolicyView {
  const params = (row.params ?? {}) as { description?: string | null };
  return {
    version: row.version,
    burnBps: row.burnBps,
    stakingBps: row.stakingBps,
    treasuryBps: row.treasuryBps,
    activeFrom: row.activeFrom.toISOString(),
    description: params.description ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
