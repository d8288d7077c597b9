import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { PrismaModule } from './prismaModule';
import { PrismaService } from './prismaService';

const URL = 'postgresql://nobody@127.0.0.1:1/none'; // never connected: $connect / $disconnect are recorded instead
const events: string[] = [];

/** A worker of an app module that stops in each shutdown phase (what a loop or consumer does). */
@Injectable()
class Worker implements OnModuleDestroy, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@Inject(PrismaService) readonly prisma: PrismaService) {}
  onModuleDestroy(): void {
    events.push('worker: onModuleDestroy');
  }
  beforeApplicationShutdown(): void {
    events.push('worker: beforeApplicationShutdown');
  }
  onApplicationShutdown(): void {
    events.push('worker: onApplicationShutdown');
  }
}

@Module({ providers: [Worker] })
class WorkerModule {}

@Module({ imports: [PrismaModule.forRootAsync({ useFactory: () => ({ databaseUrl: URL }) }), WorkerModule] })
class AppModule {}

describe('PrismaService shutdown', () => {
  beforeEach(() => {
    events.length = 0;
    jest.spyOn(PrismaService.prototype, '$connect').mockResolvedValue(undefined);
    jest.spyOn(PrismaService.prototype, '$disconnect').mockImplementation(() => {
      events.push('prisma: pool closed');
      return Promise.resolve();
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it("under PrismaModule closes the pool in Nest's last shutdown phase, after every worker stopped", async () => {
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    await app.init();
    await app.close();
    expect(events).toEqual([
      'worker: onModuleDestroy',
      'worker: beforeApplicationShutdown',
      'worker: onApplicationShutdown',
      'prisma: pool closed',
    ]);
  });

  it('made by hand, closes the pool in onModuleDestroy (scripts and tests call it), once', async () => {
    const prisma = new PrismaService({ databaseUrl: URL });
    await prisma.onModuleInit();
    await prisma.onModuleDestroy();
    await prisma.onApplicationShutdown();
    expect(events).toEqual(['prisma: pool closed']);
  });
});
