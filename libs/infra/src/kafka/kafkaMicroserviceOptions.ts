import { Transport, type KafkaOptions } from '@nestjs/microservices';
import { Partitioners } from 'kafkajs';

import { kafkaClientConfig } from './kafkaClientConfig';
import { SafeJsonDeserializer } from './safeJsonDeserializer';

export type KafkaMicroserviceOptionsParameters = {
  brokers: string | readonly string[];
  clientId: string;
  /** The consumer group, used as given (Nest's `-server` suffix is turned off so operators see the configured id). */
  groupId: string;
  /**
   * Test/devnet timings: short session timeout and heartbeat (a restarted consumer rejoins in seconds), short fetch
   * wait (records arrive in milliseconds), quick retries.
   */
  fast?: boolean;
  /** Read a topic from its first record when the group has no committed offset (default true: consumers are
   * idempotent, and a new group must not miss what was published before it joined). */
  fromBeginning?: boolean;
};

/**
 * Options for `NestFactory.createMicroservice` / `app.connectMicroservice` on the Kafka transport, with the
 * project's settings: topics are never auto-created, values are decoded by `SafeJsonDeserializer` (a malformed record
 * reaches its handler as an `UnparsedKafkaValue` instead of throwing), and the group id is used verbatim.
 * Call `ensureTopics` before starting the microservice: kafkajs fails to subscribe to a topic that does not exist.
 *
 * @example
 * const app = await NestFactory.createMicroservice<MicroserviceOptions>(
 *   HubModule,
 *   kafkaMicroserviceOptions({ brokers: env.KAFKA_BROKERS, clientId: 'hub', groupId: 'hub.batch-roots' }),
 * );
 */
export function kafkaMicroserviceOptions({
  brokers,
  clientId,
  groupId,
  fast = false,
  fromBeginning = true,
}: KafkaMicroserviceOptionsParameters): KafkaOptions {
  const client = kafkaClientConfig({ brokers, clientId, fast });
  return {
    transport: Transport.KAFKA,
    options: {
      postfixId: '',
      client,
      consumer: {
        groupId,
        allowAutoTopicCreation: false,
        // The broker's group.min.session.timeout.ms is 6 s by default: the lowest useful value.
        sessionTimeout: fast ? 6_000 : 30_000,
        heartbeatInterval: fast ? 500 : 3_000,
        rebalanceTimeout: fast ? 10_000 : 60_000,
        maxWaitTimeInMs: fast ? 100 : 1_000,
        retry: fast
          ? { initialRetryTime: 100, maxRetryTime: 2_000, retries: 8 }
          : { initialRetryTime: 300, retries: 10 },
      },
      producer: {
        allowAutoTopicCreation: false,
        // Named explicitly: kafkajs warns at every start when the partitioner is left to its default.
        createPartitioner: Partitioners.DefaultPartitioner,
      },
      subscribe: { fromBeginning },
      // keepBinary: the deserializer sees the original bytes (Nest's parser would turn them into a lossy string).
      parser: { keepBinary: true },
      deserializer: new SafeJsonDeserializer(),
    },
  };
}
