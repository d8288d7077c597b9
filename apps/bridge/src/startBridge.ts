import {
  bootstrapHttpApp,
  ensureTopics,
  kafkaMicroserviceOptions,
  type BootstrapHttpAppReturnType,
} from '@interop/infra';
import type { MicroserviceOptions } from '@nestjs/microservices';

import { AppModule } from './app.module';
import { ChainGateway } from './chains/chainGateway';
import type { BridgeConfig } from './config/bridgeConfig';
import { checkL1Depths } from './config/checkL1Depths';

/**
 * Starts the bridge: with L1_HUB_ADDRESS, checks CHAIN_DEPTH / SHARED_DEPTH against the L1 InteropHub (waiting, with
 * capped backoff, while L1 is away; a mismatch throws a ConfigError naming the variable), creates its topics, the HTTP
 * app (API, /docs, /health) with the relayer, and (INTAKE_ENABLED) the Kafka consumers of messages and shared roots on
 * the same Nest app (hybrid). Used by main.ts, tests and bench.
 *
 * @example
 * const { app, url } = await startBridge(loadConfigOrExit(bridgeConfigSchema));
 */
export async function startBridge(config: BridgeConfig): Promise<BootstrapHttpAppReturnType> {
  await checkL1Depths(config, new ChainGateway(config));
  if (config.INTAKE_ENABLED) {
    // kafkajs cannot subscribe to a topic that does not exist; shared roots need one partition (epoch order).
    await ensureTopics(config.KAFKA_BROKERS, [
      { topic: config.TOPIC_MESSAGES },
      { topic: config.TOPIC_SHARED_ROOTS, numPartitions: 1 },
      { topic: config.TOPIC_DEAD_LETTER },
    ]);
  }
  const started = await bootstrapHttpApp({
    name: 'bridge',
    module: AppModule.forRoot(config),
    host: config.HOST,
    port: config.PORT,
    logLevel: config.LOG_LEVEL,
    description: 'Message and token relaying, interop fees, the fee ledger and reconciliation.',
  });
  if (config.INTAKE_ENABLED) {
    started.app.connectMicroservice<MicroserviceOptions>(
      kafkaMicroserviceOptions({
        brokers: config.KAFKA_BROKERS,
        clientId: 'bridge',
        groupId: config.KAFKA_GROUP_ID,
        fast: config.KAFKA_FAST,
      }),
    );
    await started.app.startAllMicroservices();
  }
  return started;
}
