import { Controller, Get, Query, UseGuards, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';

import { AdminTokenGuard } from '@interop/infra';
import { ZodPipe } from '@interop/infra';
import { AccountingService } from './accounting.service';

const date = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const summaryQuery = z
  .object({
    from: date.optional(),
    to: date.optional(),
    chainId: z
      .string()
      .regex(/^\d{1,20}$/, 'chainId must be a chain id')
      .transform(BigInt)
      .optional(),
  })
  .strict();
const entriesQuery = z
  .object({
    cursor: z.string().regex(/^\d+$/, 'cursor must be an entry id').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    kind: z.enum(['fee_charged', 'relay_gas', 'fee_earned']).optional(),
    messageId: z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/)
      .optional(),
  })
  .strict();

@ApiTags('accounting')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('accounting')
export class AccountingController {
  constructor(@Inject(AccountingService) private readonly accounting: AccountingService) {}

  @Get('summary')
  @ApiOperation({
    summary: 'Fees charged, gas spent, net revenue and its burn/staking/treasury split, per currency (admin)',
  })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'chainId', required: false })
  summary(@Query(new ZodPipe(summaryQuery)) q: z.output<typeof summaryQuery>) {
    return this.accounting.summary(q);
  }

  @Get('entries')
  @ApiOperation({ summary: 'Journal entries with their postings, oldest first, paged by nextCursor (admin)' })
  entries(@Query(new ZodPipe(entriesQuery)) q: z.output<typeof entriesQuery>) {
    return this.accounting.entries(q);
  }

  @Get('reconcile')
  @ApiOperation({
    summary: 'Ledger vs InteropCenter fees, and bridged vs locked supply per asset; mismatches named (admin)',
  })
  reconcile() {
    return this.accounting.reconcile();
  }
}
