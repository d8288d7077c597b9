import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';

import { ZodPipe } from '@interop/infra';
import { OverviewRepository } from './overview.repository';

const limitQuery = z
  .object({ limit: z.coerce.number().int().min(1, 'limit must be 1-200').max(200, 'limit must be 1-200').default(20) })
  .strict();

/** Small read endpoints for operators (the operator page, the CLI): ingestion progress and recent epochs. */
@ApiTags('overview')
@Controller()
export class OverviewController {
  constructor(@Inject(OverviewRepository) private readonly repo: OverviewRepository) {}

  @Get('batches/latest')
  @ApiOperation({
    summary: 'Per chain: the newest ingested batch (L2 block range, epoch) and batches not yet in an epoch',
  })
  async latestBatches() {
    return (await this.repo.latestBatches()).map((b) => ({
      chainId: b.chainId.toString(),
      batchNumber: b.batchNumber.toString(),
      batchRoot: b.batchRoot,
      messageCount: b.messageCount,
      firstBlock: b.firstBlock.toString(),
      lastBlock: b.lastBlock.toString(),
      status: b.status,
      epoch: b.epoch?.toString() ?? null,
      receivedAt: b.receivedAt.toISOString(),
      batchesTotal: b.batchesTotal,
      batchesPending: b.batchesPending,
    }));
  }

  @Get('epochs')
  @ApiOperation({
    summary: 'The newest epochs (any status), newest first, without proofs (GET /roots/:epoch has them)',
  })
  @ApiQuery({ name: 'limit', required: false })
  async epochs(@Query(new ZodPipe(limitQuery)) q: z.output<typeof limitQuery>) {
    return (await this.repo.recentEpochs(q.limit)).map((e) => ({
      epoch: e.number.toString(),
      status: e.status,
      root: e.root,
      prevRoot: e.prevRoot,
      updatesCount: e.updatesCount,
      l1TxHash: e.l1TxHash,
      l1Block: e.l1Block?.toString() ?? null,
      gasUsed: e.gasUsed,
      provingMs: e.provingMs,
      hasProof: e.hasProof,
      createdAt: e.createdAt.toISOString(),
      settledAt: e.settledAt?.toISOString() ?? null,
    }));
  }
}
