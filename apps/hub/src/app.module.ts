import {
  ADMIN_TOKEN,
  AdminTokenGuard,
  ConsumerRegistry,
  HealthModule,
  KafkaProducerService,
  PrismaModule,
  PrismaService,
} from '@interop/infra';
import { type DynamicModule, Module } from '@nestjs/common';

import { ChainsController } from './chains/chains.controller';
import { ChainsRepository } from './chains/chains.repository';
import { CHAINS_SETTINGS, ChainsService, chainsSettings } from './chains/chains.service';
import { HUB_CONFIG, type HubConfig } from './config/hubConfig';
import type { HubNetwork } from './config/hubNetwork';
import { AggregatorLock } from './epochs/aggregatorLock';
import {
  AGGREGATOR_LOCK,
  EPOCH_SETTINGS,
  EPOCH_SHAPES,
  EpochService,
  PROOF_VERIFIER,
  VkeyProofVerifier,
  type EpochSettings,
} from './epochs/epoch.service';
import { EpochsRepository } from './epochs/epochs.repository';
import { InProcessProofProvider } from './epochs/inProcessProofProvider';
import { KafkaProofProvider } from './epochs/kafkaProofProvider';
import { PROOF_PROVIDER, type ProofProvider } from './epochs/proofProvider';
import { SharedRootPublisher } from './epochs/sharedRootPublisher';
import { ShapeRegistry } from './epochs/shapeRegistry';
import { hubHealthChecks } from './health/hubHealthChecks';
import { BatchRootsConsumer } from './ingestion/batchRootsConsumer';
import { BatchesRepository } from './ingestion/batches.repository';
import { IngestionService } from './ingestion/ingestion.service';
import { L1HubRepository } from './l1/l1Hub.repository';
import { HubMetrics } from './metrics/hubMetrics';
import { MetricsController } from './metrics/metrics.controller';
import { OverviewController } from './overview/overview.controller';
import { OverviewRepository } from './overview/overview.repository';
import { RootsController } from './roots/roots.controller';
import { RootsService } from './roots/roots.service';

/** Composition root of the hub: registry API, ingestion consumer, aggregator, roots API, metrics. */
@Module({})
export class AppModule {
  static forRoot(config: HubConfig, network: HubNetwork): DynamicModule {
    const configModule: DynamicModule = {
      module: class HubConfigModule {},
      global: true,
      providers: [{ provide: HUB_CONFIG, useValue: config }],
      exports: [HUB_CONFIG],
    };
    const epochSettings: EpochSettings = {
      enabled: config.AGGREGATOR_ENABLED,
      minIntervalMs: config.EPOCH_MIN_INTERVAL_MS,
      pipelineDepth: config.EPOCH_PIPELINE_DEPTH,
      chainDepth: network.chainDepth,
      sharedDepth: network.sharedDepth,
      pollMs: 250,
      retryMs: 2_000,
    };
    // The app's Kafka consumers register here as they start; `/health` reports each one's state.
    const consumers = new ConsumerRegistry();
    return {
      module: AppModule,
      imports: [
        configModule,
        PrismaModule.forRootAsync({ useFactory: () => ({ databaseUrl: config.DATABASE_URL }) }),
        HealthModule.forRootAsync({
          inject: [PrismaService],
          useFactory: (prisma: PrismaService) => hubHealthChecks(prisma, config, consumers),
        }),
      ],
      controllers: [ChainsController, RootsController, OverviewController, MetricsController],
      providers: [
        {
          provide: KafkaProducerService,
          useFactory: () =>
            new KafkaProducerService({ brokers: config.KAFKA_BROKERS, clientId: 'hub', fast: config.KAFKA_FAST }),
        },
        { provide: ConsumerRegistry, useValue: consumers },
        HubMetrics,
        L1HubRepository,
        ChainsRepository,
        { provide: ADMIN_TOKEN, useValue: config.ADMIN_TOKEN },
        AdminTokenGuard,
        { provide: CHAINS_SETTINGS, useValue: chainsSettings(config, network) },
        ChainsService,
        BatchesRepository,
        IngestionService,
        BatchRootsConsumer,
        EpochsRepository,
        SharedRootPublisher,
        { provide: EPOCH_SETTINGS, useValue: epochSettings },
        { provide: PROOF_VERIFIER, useClass: VkeyProofVerifier },
        {
          provide: EPOCH_SHAPES,
          inject: [L1HubRepository],
          useFactory: (l1: L1HubRepository) => new ShapeRegistry(network.shapes, l1),
        },
        {
          provide: AGGREGATOR_LOCK,
          useFactory: () => new AggregatorLock(config.DATABASE_URL, config.AGGREGATOR_LOCK_KEY),
        },
        {
          provide: PROOF_PROVIDER,
          inject: [KafkaProducerService],
          useFactory: (producer: KafkaProducerService): ProofProvider =>
            config.PROVER_MODE === 'kafka'
              ? new KafkaProofProvider(producer, consumers, {
                  brokers: config.KAFKA_BROKERS,
                  groupId: config.KAFKA_GROUP_ID,
                  capacity: config.PROVER_WORKERS,
                  jobsTopic: config.TOPIC_PROOF_JOBS,
                  proofsTopic: config.TOPIC_PROOFS,
                  deadLetterTopic: config.TOPIC_DEAD_LETTER,
                  timeoutMs: config.PROVER_TIMEOUT_MS,
                  fast: config.KAFKA_FAST,
                })
              : new InProcessProofProvider(config.PROVER_WORKERS),
        },
        EpochService,
        RootsService,
        OverviewRepository,
      ],
    };
  }
}
