import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The state of one check in a `/health` answer. */
export class HealthCheckResult {
  @ApiProperty({ enum: ['up', 'down'] })
  status!: 'up' | 'down';

  @ApiProperty({ description: 'time the check took, in milliseconds' })
  latencyMs!: number;

  @ApiPropertyOptional({ description: 'why the check failed' })
  error?: string;

  @ApiPropertyOptional({ description: 'what the dependency reported (e.g. chainId)', type: Object })
  details?: Record<string, unknown>;
}

/** Body of `GET /health`: `ok` (HTTP 200) when every check is up, `error` (HTTP 503) otherwise. */
export class HealthReport {
  @ApiProperty({ enum: ['ok', 'error'] })
  status!: 'ok' | 'error';

  @ApiProperty({
    description: 'one entry per check, by name',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/HealthCheckResult' },
  })
  checks!: Record<string, HealthCheckResult>;
}
