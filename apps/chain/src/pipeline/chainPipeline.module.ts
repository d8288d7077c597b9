import { PrismaService } from '@interop/infra';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { privateKeyToAccount } from 'viem/accounts';

import { resolveChainDepth } from '../chainTree/resolveChainDepth';
import type { ChainConfig } from '../config/chainConfig';
import {
  BATCH_SIGNER,
  CHAIN_READER,
  CHAIN_STORE,
  CHAIN_TREE_DEPTH,
  HANDLER_CLIENT,
  RECORD_SINK,
  ROOT_STORE,
  SETTLEMENT_READER,
} from '../domain/ports';
import { MetricsController } from '../metrics/metrics.controller';
import { KafkaRecordSink } from '../repositories/kafkaRecordSink';
import { OperatorSigner } from '../repositories/operatorSigner';
import { PrismaChainStore } from '../repositories/prismaChainStore';
import { PrismaRootStore } from '../repositories/prismaRootStore';
import { ViemChainReader } from '../repositories/viemChainReader';
import { chainDefinition, publicClientFor, rpcTransport } from '../repositories/viemClients';
import { ViemHandlerClient } from '../repositories/viemHandlerClient';
import { ViemSettlementReader } from '../repositories/viemSettlementReader';
import { BatcherService } from '../services/batcher.service';
import { PublisherService } from '../services/publisher.service';
import { RootImporterService } from '../services/rootImporter.service';
import { WatcherService } from '../services/watcher.service';
import { PipelineRunner } from './pipelineRunner';

/**
 * Watcher, batcher, signer, publisher and root importer of one chain, with their repositories: viem for the L2 and
 * L1 nodes, Prisma for the state, a Kafka producer that sends many records per request for the records. Expects
 * `CHAIN_CONFIG`, `ChainMetrics` and `PrismaService` from global modules. The chain-tree depth is read from
 * L1 InteropHub while the app starts (retried until L1 answers; a CHAIN_DEPTH variable that differs fails the start).
 */
@Module({})
export class ChainPipelineModule {
  static forRoot(config: ChainConfig): DynamicModule {
    const l2 = publicClientFor(config.CHAIN_ID, config.L2_RPC_URL);
    const l1 = publicClientFor(config.L1_CHAIN_ID, config.L1_RPC_URL);
    const settlements = new ViemSettlementReader(l1, config.L1_HUB_ADDRESS);
    return {
      module: ChainPipelineModule,
      controllers: [MetricsController],
      providers: [
        { provide: CHAIN_READER, useValue: new ViemChainReader(l2, config.INTEROP_CENTER_ADDRESS) },
        {
          provide: CHAIN_STORE,
          inject: [PrismaService],
          useFactory: (prisma: PrismaService) => new PrismaChainStore(prisma, config.CHAIN_ID),
        },
        {
          provide: ROOT_STORE,
          inject: [PrismaService],
          useFactory: (prisma: PrismaService) => new PrismaRootStore(prisma, config.CHAIN_ID),
        },
        {
          provide: BATCH_SIGNER,
          useValue: new OperatorSigner(config.OPERATOR_PRIVATE_KEY, config.L1_CHAIN_ID, config.L1_HUB_ADDRESS),
        },
        {
          // Closed by its onApplicationShutdown, after the pipeline loops stopped (their onModuleDestroy).
          provide: RECORD_SINK,
          useFactory: () =>
            new KafkaRecordSink({
              brokers: config.KAFKA_BROKERS,
              clientId: config.KAFKA_CLIENT_ID,
              sendTimeoutMs: config.KAFKA_SEND_TIMEOUT_MS,
              maxRequestBytes: config.KAFKA_MAX_REQUEST_BYTES,
            }),
        },
        { provide: SETTLEMENT_READER, useValue: settlements },
        {
          provide: CHAIN_TREE_DEPTH,
          useFactory: () =>
            resolveChainDepth({
              read: () => settlements.chainDepth(),
              configured: config.CHAIN_DEPTH,
              hub: config.L1_HUB_ADDRESS,
              logger: new Logger('ChainDepth'),
            }),
        },
        {
          provide: HANDLER_CLIENT,
          useValue: new ViemHandlerClient(
            l2,
            config.INTEROP_HANDLER_ADDRESS,
            privateKeyToAccount(config.OPERATOR_PRIVATE_KEY),
            chainDefinition(config.CHAIN_ID, config.L2_RPC_URL),
            rpcTransport(config.L2_RPC_URL),
          ),
        },
        WatcherService,
        BatcherService,
        PublisherService,
        RootImporterService,
        PipelineRunner,
      ],
    };
  }
}
