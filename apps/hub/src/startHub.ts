import { bootstrapHttpApp, ensureTopics, type BootstrapHttpAppReturnType } from '@interop/infra';

import { AppModule } from './app.module';
import type { HubConfig } from './config/hubConfig';
import { loadHubNetwork } from './config/hubNetwork';
import { L1HubRepository } from './l1/l1Hub.repository';

/**
 * Starts the hub: reads the network's depths from L1 and selects its epoch shapes, creates its topics, then the HTTP
 * app (API, /docs, /health, /metrics), whose bootstrap also starts the batch-roots consumer (kafkajs, `eachBatch`)
 * and the aggregator. Used by main.ts, the tests and the benchmark.
 *
 * @example
 * const { app, url } = await startHub(loadConfigOrExit(hubConfigSchema));
 */
export async function startHub(config: HubConfig): Promise<BootstrapHttpAppReturnType> {
  const network = await loadHubNetwork(config, new L1HubRepository(config));
  // kafkajs cannot subscribe to a topic that does not exist, and shared roots need exactly one partition (order).
  await ensureTopics(config.KAFKA_BROKERS, [
    { topic: config.TOPIC_BATCH_ROOTS },
    { topic: config.TOPIC_SHARED_ROOTS, numPartitions: 1 },
    { topic: config.TOPIC_DEAD_LETTER },
    { topic: config.TOPIC_PROOF_JOBS },
    { topic: config.TOPIC_PROOFS },
  ]);
  return bootstrapHttpApp({
    name: 'hub',
    module: AppModule.forRoot(config, network),
    host: config.HOST,
    port: config.PORT,
    logLevel: config.LOG_LEVEL,
    description: 'Chain registry, batch-root ingestion, shared-root aggregation, proofs and L1 settlement.',
  });
}
