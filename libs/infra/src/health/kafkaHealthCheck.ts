import { type Admin, Kafka, logLevel } from 'kafkajs';

import { kafkaClientConfig } from '../kafka/kafkaClientConfig';
import type { HealthCheck } from './healthCheck';

export type KafkaHealthCheckParameters = { brokers: string | readonly string[]; clientId: string; name?: string };

/**
 * The Kafka cluster answers a metadata request (`describeCluster`) through a long-lived admin client, connected on
 * first use and rebuilt after a failure. Retries are cut to one so a down broker shows within the health timeout,
 * and kafkajs's own logging is off: the failure is in the health report, not repeated in the logs on every poll.
 *
 * @example
 * kafkaHealthCheck({ brokers: config.KAFKA_BROKERS, clientId: 'hub-health' })
 */
export function kafkaHealthCheck({ brokers, clientId, name = 'kafka' }: KafkaHealthCheckParameters): HealthCheck {
  const kafka = new Kafka({
    ...kafkaClientConfig({ brokers, clientId, fast: true, logLevel: logLevel.NOTHING }),
    retry: { retries: 1, initialRetryTime: 100 },
  });
  let admin: Admin | undefined;
  const reset = async (): Promise<void> => {
    const current = admin;
    admin = undefined;
    await current?.disconnect().catch(() => undefined);
  };
  return {
    name,
    check: async () => {
      try {
        if (!admin) {
          admin = kafka.admin();
          await admin.connect();
        }
        const cluster = await admin.describeCluster();
        return { brokers: cluster.brokers.length, controller: cluster.controller, clusterId: cluster.clusterId };
      } catch (e) {
        await reset();
        throw e;
      }
    },
    close: reset,
  };
}
