import { Kafka } from 'kafkajs';

import { kafkaClientConfig, type KafkaClientConfigParameters } from './kafkaClientConfig';

export type CreateKafkaClientParameters = KafkaClientConfigParameters;

/**
 * A kafkajs client with the project's connection settings.
 *
 * @example
 * const kafka = createKafkaClient({ brokers: process.env.KAFKA_BROKERS!, clientId: 'hub' });
 * const admin = kafka.admin();
 */
export function createKafkaClient(parameters: CreateKafkaClientParameters): Kafka {
  return new Kafka(kafkaClientConfig(parameters));
}
