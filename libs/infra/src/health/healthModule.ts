import { type DynamicModule, type InjectionToken, Module, type ModuleMetadata } from '@nestjs/common';

import { HEALTH_CHECKS, type HealthCheck } from './healthCheck';
import { HealthController } from './healthController';
import { HealthService } from './healthService';

export type HealthModuleOptions = {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  /** Builds the app's checks from injected providers (PrismaService, config...). */
  useFactory: (...deps: never[]) => HealthCheck[] | Promise<HealthCheck[]>;
};

/**
 * Adds `GET /health` reporting each registered check.
 *
 * @example
 * HealthModule.forRootAsync({
 *   inject: [PrismaService, APP_CONFIG],
 *   useFactory: (prisma: PrismaService, config: HubConfig) => [postgresHealthCheck(prisma), rpcHealthCheck({ ... })],
 * })
 */
@Module({})
export class HealthModule {
  static forRootAsync(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: options.imports ?? [],
      controllers: [HealthController],
      providers: [
        {
          provide: HEALTH_CHECKS,
          inject: options.inject ?? [],
          useFactory: options.useFactory as (...deps: unknown[]) => unknown,
        },
        HealthService,
      ],
      exports: [HealthService],
    };
  }
}
