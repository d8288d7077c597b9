import { Body, Controller, Get, HttpCode, Post, Query, UseGuards, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';

import { AdminTokenGuard } from '@interop/infra';
import { ZodPipe } from '@interop/infra';
import { FeesService } from './fees.service';

const uint = (name: string) =>
  z
    .string()
    .regex(/^\d{1,78}$/, `${name} must be a non-negative decimal integer`)
    .transform(BigInt);

const quoteQuery = z.object({ src: uint('src'), dst: uint('dst'), bytes: uint('bytes'), gasLimit: uint('gasLimit') });

const bps = z.number().int().min(0).max(10_000);
const policyBody = z
  .object({
    burnBps: bps,
    stakingBps: bps,
    treasuryBps: bps,
    activeFrom: z.iso
      .datetime({ offset: true })
      .transform((s) => new Date(s))
      .optional(),
    description: z.string().max(500).optional(),
  })
  .strict()
  .refine((p) => p.burnBps + p.stakingBps + p.treasuryBps === 10_000, {
    message: 'burnBps + stakingBps + treasuryBps must be 10000',
    path: ['treasuryBps'],
  });

@ApiTags('fees')
@Controller()
export class FeesController {
  constructor(@Inject(FeesService) private readonly fees: FeesService) {}

  @Get('fees/quote')
  @ApiOperation({ summary: 'The interop fee InteropCenter(src) charges for a message to dst (wei of the source coin)' })
  @ApiQuery({ name: 'src' })
  @ApiQuery({ name: 'dst' })
  @ApiQuery({ name: 'bytes', description: 'payload length in bytes' })
  @ApiQuery({ name: 'gasLimit' })
  quote(@Query(new ZodPipe(quoteQuery)) q: z.output<typeof quoteQuery>) {
    return this.fees.quote(q.src, q.dst, q.bytes, q.gasLimit);
  }

  @Get('fee-policies')
  @ApiOperation({ summary: 'Fee-policy versions (revenue split in basis points), newest first' })
  list() {
    return this.fees.listPolicies();
  }

  @Post('fee-policies')
  @HttpCode(201)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Add a fee-policy version: burn / staking / treasury basis points summing to 10000 (admin)',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['burnBps', 'stakingBps', 'treasuryBps'],
      properties: {
        burnBps: { type: 'integer', example: 2000 },
        stakingBps: { type: 'integer', example: 3000 },
        treasuryBps: { type: 'integer', example: 5000 },
        activeFrom: { type: 'string', format: 'date-time', description: 'default: now' },
        description: { type: 'string' },
      },
    },
  })
  create(@Body(new ZodPipe(policyBody)) body: z.output<typeof policyBody>) {
    return this.fees.createPolicy(body);
  }
}
