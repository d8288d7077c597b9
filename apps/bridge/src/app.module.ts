import {
  ADMIN_TOKEN,
  AdminTokenGuard,
  ConsumerRegistry,
  HealthModule,
  PrismaModule,
  PrismaService,
} from '@interop/infra';
import { type DynamicModule, Module } from '@nestjs/common';

import { AccountingController } from './accounting/accounting.controller';
import { AccountingRepository } from './accounting/accounting.repository';
import { AccountingService } from './accounting/accounting.service';
import { ChainGateway } from './chains/chainGateway';
import { BRIDGE_CONFIG, type BridgeConfig } from './config/bridgeConfig';
import { FeePoliciesRepository } from './fees/feePolicies.repository';
import { FeesController } from './fees/fees.controller';
import { FeesService } from './fees/fees.service';
import { bridgeHealthChecks } from './health/bridgeHealthChecks';
import { IntakeConsumer } from './intake/intakeConsumer';
import { IntakeRepository } from './intake/intake.repository';
import { IntakeService } from './intake/intake.service';
import { LedgerRepository } from './ledger/ledger.repository';
import { MessagesController } from './messages/messages.controller';
import { MessagesRepository } from './messages/messages.repository';
import { MessagesService } from './messages/messages.service';
import { ChainHeads } from './operator/chainHeads';
import { HubClient } from './operator/hubClient';
import { BridgeMetrics } from './metrics/bridgeMetrics';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsRepository } from './metrics/metrics.repository';
import { OperatorController } from './operator/operator.controller';
import { OperatorService } from './operator/operator.service';
import { RelayRepository } from './relayer/relay.repository';
import { RelayerService } from './relayer/relayer.service';
import { TreeStateService } from './trees/treeState.service';

/** Composition root of the bridge: intake consumers, relayer, fees, ledger, status and accounting APIs. */
@Module({})
export class AppModule {
  static forRoot(config: BridgeConfig): DynamicModule {
    const configModule: DynamicModule = {
      module: class BridgeConfigModule {},
      global: true,
      providers: [{ provide: BRIDGE_CONFIG, useValue: config }],
      exports: [BRIDGE_CONFIG],
    };
    // The intake consumer registers here as it starts; `/health` reports its state.
    const consumers = new ConsumerRegistry();
    return {
      module: AppModule,
      imports: [
        configModule,
        PrismaModule.forRootAsync({ useFactory: () => ({ databaseUrl: config.DATABASE_URL }) }),
        HealthModule.forRootAsync({
          inject: [PrismaService],
          useFactory: (prisma: PrismaService) => bridgeHealthChecks(prisma, config, consumers),
        }),
      ],
      controllers: [MessagesController, FeesController, AccountingController, OperatorController, MetricsController],
      providers: [
        { provide: ADMIN_TOKEN, useValue: config.ADMIN_TOKEN },
        { provide: ConsumerRegistry, useValue: consumers },
        AdminTokenGuard,
        ChainGateway,
        TreeStateService,
        LedgerRepository,
        FeePoliciesRepository,
        FeesService,
        IntakeRepository,
        IntakeService,
        ...(config.INTAKE_ENABLED ? [IntakeConsumer] : []),
        RelayRepository,
        RelayerService,
        MessagesRepository,
        MessagesService,
        AccountingRepository,
        AccountingService,
        HubClient,
        ChainHeads,
        OperatorService,
        MetricsRepository,
        BridgeMetrics,
      ],
    };
  }
}
