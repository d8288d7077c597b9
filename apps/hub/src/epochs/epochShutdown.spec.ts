import { PrismaModule, PrismaService } from '@interop/infra';
import { CHAIN_DEPTH, SHARED_DEPTH } from '@interop/protocol';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { L1HubRepository } from '../l1/l1Hub.repository';
import { HubMetrics } from '../metrics/hubMetrics';
import {
  AGGREGATOR_LOCK,
  EPOCH_SETTINGS,
  EPOCH_SHAPES,
  EpochService,
  PROOF_VERIFIER,
  type EpochSettings,
} from './epoch.service';
import { EpochsRepository, type EpochsStore } from './epochs.repository';
import type { EpochRecord } from './epochTypes';
import { PROOF_PROVIDER, type ProofProvider } from './proofProvider';
import { SharedRootPublisher } from './sharedRootPublisher';
import type { EpochShapes } from './shapeRegistry';

// What happened during the app's shutdown, in order.
const events: string[] = [];

/**
 * Lets the aggregator's first step hang in a database call until the loop is asked to stop, then finish it: the step
 * in progress when the app closes. It records whether the pool was already closed when the step went on.
 */
class StepInProgress {
  private open: (() => void) | undefined;
  private started: (() => void) | undefined;
  readonly reached = new Promise<void>((resolve) => (this.started = resolve));
  private calls = 0;
  disconnected = false;

  /** Resolves `value` at once, except on the first call of the first step, which waits for `release`. */
  hold<T>(value: T): Promise<T> {
    if (this.calls++ > 0) return Promise.resolve(value);
    return new Promise<T>((resolve) => {
      this.open = () => {
        events.push(this.disconnected ? 'step: database call after the pool closed' : 'step: database call done');
        resolve(value);
      };
      this.started?.();
    });
  }

  release(): void {
    this.open?.();
  }
}

const step = new StepInProgress();
const none = (): Promise<EpochRecord[]> => Promise.resolve([]);
// Only the calls the loop makes with an empty database; any other one would fail the step (logged, then retried).
const store: Partial<EpochsStore> = {
  settledEpochs: none,
  unfinishedEpochs: none,
  unpublishedEpochs: () => step.hold<EpochRecord[]>([]),
};
const shapes: Pick<EpochShapes, 'usable' | 'byId'> = { usable: () => Promise.resolve([]), byId: () => undefined };
const prover: ProofProvider = {
  capacity: 1,
  prove: () => Promise.reject(new Error('no proofs in this test')),
  close: () => Promise.resolve(),
};
const settings: EpochSettings = {
  enabled: true,
  minIntervalMs: 0,
  pipelineDepth: 2,
  chainDepth: CHAIN_DEPTH,
  sharedDepth: SHARED_DEPTH,
  pollMs: 5,
  retryMs: 5,
};

@Module({
  imports: [
    // The real module: the hub's PrismaService, with its real shutdown hooks (its pool is never opened here).
    PrismaModule.forRootAsync({ useFactory: () => ({ databaseUrl: 'postgresql://nobody@127.0.0.1:1/none' }) }),
  ],
  providers: [
    EpochService,
    { provide: EpochsRepository, useValue: store },
    { provide: L1HubRepository, useValue: {} },
    { provide: PROOF_PROVIDER, useValue: prover },
    { provide: SharedRootPublisher, useValue: { publish: () => Promise.resolve() } },
    {
      provide: AGGREGATOR_LOCK,
      useValue: { tryAcquire: () => Promise.resolve(true), release: () => Promise.resolve(), held: true },
    },
    HubMetrics,
    { provide: EPOCH_SHAPES, useValue: shapes },
    { provide: PROOF_VERIFIER, useValue: { verify: () => Promise.resolve(true) } },
    { provide: EPOCH_SETTINGS, useValue: settings },
  ],
})
class AggregatorTestModule {}

describe('hub shutdown order', () => {
  afterEach(() => jest.restoreAllMocks());

  it('stops the epoch loop, after its step in progress, before Prisma closes its pool', async () => {
    // No database: connecting and disconnecting are recorded instead.
    jest.spyOn(PrismaService.prototype, '$connect').mockResolvedValue(undefined);
    jest.spyOn(PrismaService.prototype, '$disconnect').mockImplementation(() => {
      step.disconnected = true;
      events.push('prisma: pool closed');
      return Promise.resolve();
    });
    const stop = EpochService.prototype.stop;
    jest.spyOn(EpochService.prototype, 'stop').mockImplementation(async function (this: EpochService) {
      events.push('epochs: stop requested');
      // The step in progress goes on now (it would also go on if the pool had already been closed, and fail).
      step.release();
      await stop.call(this);
      events.push('epochs: loop stopped');
    });

    const app = await NestFactory.createApplicationContext(AggregatorTestModule, { logger: false });
    Logger.overrideLogger(false);
    await app.init();
    await step.reached; // the loop is inside its first step, waiting on the database
    await app.close();

    expect(events).toEqual([
      'epochs: stop requested',
      'step: database call done',
      'epochs: loop stopped',
      'prisma: pool closed',
    ]);
  });
});
