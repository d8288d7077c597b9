import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '@interop/infra';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ZodPipe } from '@interop/infra';
import {
  chainIdParamSchema,
  registerChainSchema,
  toChainView,
  type ChainView,
  type RegisterChainDto,
} from './chains.dto';
import { ChainsService } from './chains.service';

/** The chain registry API (validation and delegation only). */
@ApiTags('chains')
@Controller('chains')
export class ChainsController {
  constructor(@Inject(ChainsService) private readonly chains: ChainsService) {}

  @Post()
  @ApiOperation({ summary: "Register a chain (pending until an admin approves it); body signed by the operator's key" })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['chainId', 'name', 'operator', 'signature'],
      properties: {
        chainId: { type: 'string', example: '901' },
        name: { type: 'string', example: 'alpha' },
        operator: { type: 'string', example: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
        signature: { type: 'string', description: 'EIP-712 ChainRegistration signature by the operator' },
      },
    },
  })
  async register(@Body(new ZodPipe(registerChainSchema)) dto: RegisterChainDto): Promise<ChainView> {
    return toChainView(await this.chains.register(dto));
  }

  @Get()
  @ApiOperation({ summary: 'All chains' })
  async list(): Promise<ChainView[]> {
    return (await this.chains.list()).map(toChainView);
  }

  @Get(':chainId')
  @ApiOperation({ summary: 'One chain' })
  async get(@Param('chainId', new ZodPipe(chainIdParamSchema)) chainId: bigint): Promise<ChainView> {
    return toChainView(await this.chains.get(chainId));
  }

  @Post(':chainId/approve')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Admin: assign the next slot and register the chain on L1 (waits for the receipt)' })
  async approve(@Param('chainId', new ZodPipe(chainIdParamSchema)) chainId: bigint): Promise<ChainView> {
    return toChainView(await this.chains.approve(chainId));
  }

  @Post(':chainId/pause')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Admin: pause a chain (its batch roots are refused), mirrored on L1' })
  async pause(@Param('chainId', new ZodPipe(chainIdParamSchema)) chainId: bigint): Promise<ChainView> {
    return toChainView(await this.chains.pause(chainId));
  }

  @Post(':chainId/resume')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Admin: resume a paused chain, mirrored on L1' })
  async resume(@Param('chainId', new ZodPipe(chainIdParamSchema)) chainId: bigint): Promise<ChainView> {
    return toChainView(await this.chains.resume(chainId));
  }
}
