import { Controller, Get, Header, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';

import { NotFoundError, ZodPipe } from '@interop/infra';
import { OperatorAssets } from './operatorAssets';
import { OperatorService } from './operator.service';

const epochParam = z.string().regex(/^(\d{1,20}|latest)$/, 'epoch must be a decimal integer or "latest"');
const limitQuery = z
  .object({ limit: z.coerce.number().int().min(1, 'limit must be 1-200').max(200, 'limit must be 1-200').default(20) })
  .strict();

/** Minimal response surface used to send the static files (express). */
type RawResponse = { setHeader(name: string, value: string): void; send(body: Buffer): void };

/**
 * The operator page (`GET /operator`: plain HTML, CSS and JS, no external fetch) and the read endpoints it uses:
 * chains with lag, and the hub's public GET API proxied (so the page needs one origin and the hub no CORS).
 */
@ApiTags('operator')
@Controller('operator')
export class OperatorController {
  private readonly assets = new OperatorAssets();

  constructor(@Inject(OperatorService) private readonly operator: OperatorService) {}

  @Get()
  @ApiOperation({ summary: 'The operator web page' })
  page(@Res() res: RawResponse): void {
    this.send(res, 'index.html');
  }

  @Get('api/overview')
  @ApiOperation({ summary: 'Chains: contracts, registry status, head block, newest ingested batch and lag' })
  overview() {
    return this.operator.overview();
  }

  @Get('api/hub/chains')
  @ApiOperation({ summary: "The hub's GET /chains" })
  hubChains() {
    return this.operator.hubGet('/chains');
  }

  @Get('api/hub/batches/latest')
  @ApiOperation({ summary: "The hub's GET /batches/latest" })
  hubLatestBatches() {
    return this.operator.hubGet('/batches/latest');
  }

  @Get('api/hub/epochs')
  @ApiOperation({ summary: "The hub's GET /epochs?limit=" })
  @ApiQuery({ name: 'limit', required: false })
  hubEpochs(@Query(new ZodPipe(limitQuery)) q: z.output<typeof limitQuery>) {
    return this.operator.hubGet(`/epochs?limit=${q.limit}`);
  }

  @Get('api/hub/roots/:epoch')
  @ApiOperation({ summary: "The hub's GET /roots/:epoch (or /roots/latest)" })
  hubRoot(@Param('epoch', new ZodPipe(epochParam)) epoch: string) {
    return this.operator.hubGet(`/roots/${epoch}`);
  }

  @Get(':file')
  @ApiExcludeEndpoint()
  @Header('cache-control', 'no-cache')
  asset(@Param('file') file: string, @Res() res: RawResponse): void {
    this.send(res, file);
  }

  private send(res: RawResponse, file: string): void {
    const asset = this.assets.read(file);
    if (!asset) throw new NotFoundError('OPERATOR_FILE_NOT_FOUND', `no operator file ${file}`);
    res.setHeader('content-type', asset.contentType);
    res.setHeader('cache-control', 'no-cache');
    res.send(asset.body);
  }
}
