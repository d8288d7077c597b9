import { HealthModule, PrismaModule, PrismaService } from '@interop/infra';
import { type DynamicModule, Module } from '@nestjs/common';

import { BRIDGE_CONFIG, type BridgeConfig } from './config/bridgeConfig';
import { bridgeHealthChecks } from './health/bridgeHealthChecks';

/** Composition root of the bridge (intake, relayer, fees, ledger, reconciliation: added by later issues). */
@Module({})
export class AppModule {
  static forRoot(config: BridgeConfig): DynamicModule {
    const configModule: DynamicModule = {
      module: class BridgeConfigModule {},
      global: true,
      providers: [{ provide: BRIDGE_CONFIG, useValue: config }],
      exports: [BRIDGE_CONFIG],
    };
    return {
      module: AppModule,
      imports: [
        configModule,
        PrismaModule.forRootAsync({ useFactory: () => ({ databaseUrl: config.DATABASE_URL }) }),
        HealthModule.forRootAsync({
          inject: [PrismaService],
          useFactory: (prisma: PrismaService) => bridgeHealthChecks(prisma, config),
        }),
      ],
    };
  }
}
