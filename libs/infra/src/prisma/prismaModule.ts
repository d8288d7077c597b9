import { type DynamicModule, type InjectionToken, Module, type ModuleMetadata } from '@nestjs/common';

import { PrismaService, type PrismaServiceOptions } from './prismaService';

export type PrismaModuleOptions = {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (...deps: never[]) => PrismaServiceOptions;
};

/**
 * Provides one `PrismaService` to the whole app (global module). Its pool closes in `onApplicationShutdown`, the last
 * shutdown phase (`closeOnApplicationShutdown`), after the loops that stop in `onModuleDestroy` or
 * `beforeApplicationShutdown` have finished their last database step.
 *
 * @example
 * PrismaModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (c: HubConfig) => ({ databaseUrl: c.DATABASE_URL }) })
 */
@Module({})
export class PrismaModule {
  static forRootAsync(options: PrismaModuleOptions): DynamicModule {
    const factory = options.useFactory as (...deps: unknown[]) => PrismaServiceOptions;
    return {
      global: true,
      module: PrismaModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: PrismaService,
          inject: options.inject ?? [],
          useFactory: (...deps: unknown[]) =>
            new PrismaService({ ...factory(...deps), closeOnApplicationShutdown: true }),
        },
      ],
      exports: [PrismaService],
    };
  }
}
