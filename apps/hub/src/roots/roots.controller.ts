import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';

import { updateToJson, type EpochRecord } from '../epochs/epochTypes';
import { ZodPipe } from '@interop/infra';
import { fieldToBytes32 } from '@interop/protocol';
import { RootsService, type BatchProof } from './roots.service';

const uintParam = (what: string) =>
  z
    .string()
    .regex(/^\d{1,20}$/, `${what} must be a decimal integer`)
    .transform((s) => BigInt(s));

/** A settled epoch as the API returns it. */
export type RootView = {
  epoch: string;
  root: string;
  prevRoot: string;
  /** L1 id of the epoch shape that proved it (groups * 2^16 + groupSize). */
  shapeId: number;
  dataCommitment: string;
  updates: Array<Record<string, string | number>>;
  proof: unknown;
  publicSignals: string[] | null;
  l1TxHash: string | null;
  l1Block: string | null;
  gasUsed: string | null;
  provingMs: number | null;
  settledAt: string | null;
};

function toRootView(e: EpochRecord): RootView {
  return {
    epoch: e.number.toString(),
    root: e.root,
    prevRoot: e.prevRoot,
    shapeId: e.shapeId,
    dataCommitment: e.dataCommitment,
    updates: e.updates.map(updateToJson),
    proof: e.proof,
    publicSignals: e.publicSignals,
    l1TxHash: e.l1TxHash,
    l1Block: e.l1Block?.toString() ?? null,
    gasUsed: e.gasUsed?.toString() ?? null,
    provingMs: e.provingMs,
    settledAt: e.settledAt?.toISOString() ?? null,
  };
}

/** Settled shared roots and batch proofs (validation and delegation only). */
@ApiTags('roots')
@Controller()
export class RootsController {
  constructor(@Inject(RootsService) private readonly roots: RootsService) {}

  @Get('roots/latest')
  @ApiOperation({ summary: 'The latest shared root settled on L1' })
  async latest(): Promise<RootView> {
    return toRootView(await this.roots.latest());
  }

  @Get('roots/:epoch')
  @ApiOperation({ summary: 'The shared root of a settled epoch, with its updates, proof and L1 transaction' })
  async byEpoch(@Param('epoch', new ZodPipe(uintParam('epoch'))) epoch: bigint): Promise<RootView> {
    return toRootView(await this.roots.byEpoch(epoch));
  }

  @Get('proofs/batch/:chainId/:batchNumber')
  @ApiOperation({ summary: 'Path batch leaf -> chain root -> shared root at the latest settled epoch (or ?epoch=)' })
  @ApiQuery({ name: 'epoch', required: false })
  async batchProof(
    @Param('chainId', new ZodPipe(uintParam('chainId'))) chainId: bigint,
    @Param('batchNumber', new ZodPipe(uintParam('batchNumber'))) batchNumber: bigint,
    @Query('epoch', new ZodPipe(uintParam('epoch').optional())) epoch: bigint | undefined,
  ): Promise<Record<string, unknown>> {
    const p: BatchProof = await this.roots.batchProof(chainId, batchNumber, epoch);
    return {
      epoch: p.epoch.toString(),
      sharedRoot: fieldToBytes32(p.sharedRoot),
      chainId: p.chainId.toString(),
      batchNumber: p.batchNumber.toString(),
      batchRoot: p.batchRoot,
      batchLeaf: p.batchLeaf.toString(),
      chainRoot: p.chainRoot.toString(),
      slot: p.slot,
      chainPath: p.chainPath.map(String),
      sharedPath: p.sharedPath.map(String),
    };
  }
}
