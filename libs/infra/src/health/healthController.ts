import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';

import { HealthReport } from './healthReport';
import { HealthService } from './healthService';

/** `GET /health`: 200 when every dependency answers, 503 (same body) when one does not. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'State of each dependency (database, Kafka, RPC nodes)' })
  @ApiResponse({ status: 200, description: 'all checks up', type: HealthReport })
  @ApiResponse({ status: 503, description: 'at least one check down', type: HealthReport })
  async get(@Res({ passthrough: true }) res: { status(code: number): unknown }): Promise<HealthReport> {
    const report = await this.health.report();
    res.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
