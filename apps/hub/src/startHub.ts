import {
  bootstrapHttpApp,
  ensureTopics,
  kafkaMicroserviceOptions,
  type BootstrapHttpAppReturnType,
} from '@interop/infra';
import type { MicroserviceOptions } from '@nestjs/microservices';

import { AppModule } from './app.module';
import type { HubConfig } from './config/hubConfig';

/**
 * Starts the hub: creates its topics, the HTTP app (API, /docs, /health, /metrics) and the Kafka consumer of batch
 * roots on the same Nest app (hybrid). Used by main.ts, the tests and the benchmark.
 *
 * @example
 * const { app, url } = await startHub(loadConfigOrExit(hubConfigSchema));
 */
export async function startHub(config: HubConfig): Promise<BootstrapHttpAppReturnType> {
  // kafkajs cannot subscribe to a topic that does not exist, and shared roots need exactly one partition (order).
  await ensureTopics(config.KAFKA_BROKERS, [
    { topic: config.TOPIC_BATCH_ROOTS },
    { topic: config.TOPIC_SHARED_ROOTS, numPartitions: 1 },
    { topic: config.TOPIC_DEAD_LETTER },
    { topic: config.TOPIC_PROOF_JOBS },
    { topic: config.TOPIC_PROOFS },
  ]);
  const started = await bootstrapHttpApp({
    name: 'hub',
    module: AppModule.forRoot(config),
    host: config.HOST,
    port: config.PORT,
    logLevel: config.LOG_LEVEL,
    description: 'Chain registry, batch-root ingestion, shared-root aggregation, proofs and L1 settlement.',
  });
  const options = kafkaMicroserviceOptions({
    brokers: config.KAFKA_BROKERS,
    clientId: 'hub',
    groupId: config.KAFKA_GROUP_ID,
    fast: config.KAFKA_FAST,
  });
  started.app.connectMicroservice<MicroserviceOptions>({
    ...options,
    options: { ...options.options, run: { partitionsConsumedConcurrently: config.INGEST_CONCURRENCY } },
  });
  await started.app.startAllMicroservices();
  return started;
}
