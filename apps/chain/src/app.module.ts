import { HealthModule, PrismaModule, PrismaService } from '@interop/infra';
import { type DynamicModule, Module } from '@nestjs/common';

import { CHAIN_CONFIG, type ChainConfig } from './config/chainConfig';
import { chainHealthChecks } from './health/chainHealthChecks';
import { ChainMetrics } from './metrics/chainMetrics';
import { ChainPipelineModule } from './pipeline/chainPipeline.module';

/** Composition root of a chain app: config, Postgres, health, and the chain pipeline (with its Kafka producer). */
@Module({})
export class AppModule {
  static forRoot(config: ChainConfig): DynamicModule {
    const configModule: DynamicModule = {
      module: class ChainConfigModule {},
      global: true,
      providers: [
        { provide: CHAIN_CONFIG, useValue: config },
        { provide: ChainMetrics, useValue: new ChainMetrics(config.CHAIN_ID) },
      ],
      exports: [CHAIN_CONFIG, ChainMetrics],
    };
    return {
      module: AppModule,
      imports: [
        configModule,
        PrismaModule.forRootAsync({ useFactory: () => ({ databaseUrl: config.DATABASE_URL }) }),
        HealthModule.forRootAsync({
          inject: [PrismaService, ChainMetrics],
          useFactory: (prisma: PrismaService, metrics: ChainMetrics) => chainHealthChecks(prisma, config, metrics),
        }),
        ChainPipelineModule.forRoot(config),
      ],
    };
  }
}
