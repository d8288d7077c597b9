import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { ChainMetrics } from './chainMetrics';

/** `GET /metrics`: Prometheus text exposition of the chain app's metrics. */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(ChainMetrics) private readonly metrics: ChainMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({
    summary: 'Prometheus metrics (messages seen, batches sealed, publish retries, reorgs, roots imported)',
  })
  get(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
