import {
  bootstrapHttpApp,
  ensureTopics,
  kafkaMicroserviceOptions,
  type BootstrapHttpAppReturnType,
} from '@interop/infra';
import type { MicroserviceOptions } from '@nestjs/microservices';

import { AppModule } from './app.module';
import type { BridgeConfig } from './config/bridgeConfig';

/**
 * Starts the bridge: creates its topics, the HTTP app (API, /docs, /health) with the relayer, and (INTAKE_ENABLED)
 * the Kafka consumers of messages and shared roots on the same Nest app (hybrid). Used by main.ts, tests and bench.
 *
 * @example
 * const { app, url } = await startBridge(loadConfigOrExit(bridgeConfigSchema));
 */
export async function startBridge(config: BridgeConfig): Promise<BootstrapHttpAppReturnType> {
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
