import { bootstrapHttpApp, ensureTopics, type BootstrapHttpAppReturnType } from '@interop/infra';

import { AppModule } from './app.module';
import { ChainGateway } from './chains/chainGateway';
import type { BridgeConfig } from './config/bridgeConfig';
import { checkL1Depths } from './config/checkL1Depths';

/**
 * Starts the bridge: with L1_HUB_ADDRESS, checks CHAIN_DEPTH / SHARED_DEPTH against the L1 InteropHub (waiting, with
 * capped backoff, while L1 is away; a mismatch throws a ConfigError naming the variable), creates its topics, the HTTP
 * app (API, /docs, /health) with the relayer and (INTAKE_ENABLED) the Kafka consumer of messages and shared roots
 * (IntakeConsumer, running once the app has booted). Used by main.ts, tests and bench.
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
  return bootstrapHttpApp({
    name: 'bridge',
    module: AppModule.forRoot(config),
    host: config.HOST,
    port: config.PORT,
    logLevel: config.LOG_LEVEL,
    description: 'Message and token relaying, interop fees, the fee ledger and reconciliation.',
  });
}
