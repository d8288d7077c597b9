import { Controller, Get, HttpCode, Param, Post, Query, UseGuards, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';

import { AdminTokenGuard } from '@interop/infra';
import { ZodPipe } from '@interop/infra';
import { RelayerService } from '../relayer/relayer.service';
import { MessagesService } from './messages.service';

const id = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'id must be a 0x-prefixed bytes32 message id');
const chainId = z
  .string()
  .regex(/^\d{1,20}$/, 'must be a chain id')
  .transform(BigInt);
const listQuery = z
  .object({
    sender: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, 'sender must be an address')
      .optional(),
    src: chainId.optional(),
    dst: chainId.optional(),
    status: z.enum(['sent', 'batched', 'proven', 'relaying', 'executed', 'failed']).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

@ApiTags('messages')
@Controller('messages')
export class MessagesController {
  constructor(
    @Inject(MessagesService) private readonly messages: MessagesService,
    @Inject(RelayerService) private readonly relayer: RelayerService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Messages, oldest first, filtered; follow nextCursor for the next page' })
  @ApiQuery({ name: 'sender', required: false })
  @ApiQuery({ name: 'src', required: false })
  @ApiQuery({ name: 'dst', required: false })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false })
  list(@Query(new ZodPipe(listQuery)) q: z.output<typeof listQuery>) {
    return this.messages.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A message: status timeline, inclusion proof (v1 JSON), destination transaction' })
  get(@Param('id', new ZodPipe(id)) messageId: string) {
    return this.messages.get(messageId);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Re-queue a failed message, or call the handler's retryMessage if it FAILED on chain (admin)",
  })
  retry(@Param('id', new ZodPipe(id)) messageId: string) {
    return this.relayer.retry(messageId.toLowerCase());
  }
}
