import { logLevel as KafkaLogLevel, type KafkaConfig } from 'kafkajs';

import { parseBrokers } from './parseBrokers';

export type KafkaClientConfigParameters = {
  brokers: string | readonly string[];
  clientId: string;
  /**
   * Short connection/retry timings for tests and the local devnet, where the broker is on loopback and a failure
   * should surface in seconds, not minutes.
   */
  fast?: boolean;
  /** kafkajs log level; default WARN (kafkajs's INFO is a line per group join). */
  logLevel?: KafkaLogLevel;
  logCreator?: KafkaConfig['logCreator'];
};

/** Connection settings shared by every kafkajs client of the project (admin, producer, Nest microservice). */
export function kafkaClientConfig({
  brokers,
  clientId,
  fast = false,
  logLevel = KafkaLogLevel.WARN,
  logCreator,
}: KafkaClientConfigParameters): KafkaConfig {
  return {
    brokers: parseBrokers(brokers),
    clientId,
    logLevel,
    ...(logCreator ? { logCreator } : {}),
    connectionTimeout: fast ? 3_000 : 10_000,
    requestTimeout: fast ? 10_000 : 30_000,
    retry: fast ? { initialRetryTime: 100, maxRetryTime: 2_000, retries: 8 } : { initialRetryTime: 300, retries: 10 },
  };
}
