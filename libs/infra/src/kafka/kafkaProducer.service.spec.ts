import { Kafka, type LogEntry, type ProducerConfig } from 'kafkajs';

import * as client from './createKafkaClient';
import { kafkaClientConfig } from './kafkaClientConfig';
import { KafkaProducerService } from './kafkaProducer.service';

/** What kafkajs logs (at the project's level) and the settings it is given, for producers made while it is set up. */
function captureKafkajs(): { logs: string[]; configs: ProducerConfig[] } {
  const logs: string[] = [];
  const configs: ProducerConfig[] = [];
  jest.spyOn(client, 'createKafkaClient').mockImplementation((parameters) => {
    const logCreator = () => (entry: LogEntry) => void logs.push(`${entry.namespace}: ${entry.log.message}`);
    const kafka = new Kafka(kafkaClientConfig({ ...parameters, logCreator }));
    const producer = kafka.producer.bind(kafka);
    kafka.producer = (config?: ProducerConfig) => {
      configs.push(config ?? {});
      return producer(config);
    };
    return kafka;
  });
  return { logs, configs };
}

describe('KafkaProducerService settings', () => {
  afterEach(() => jest.restoreAllMocks());

  it('makes its producer without kafkajs warnings (no "Limiting retries for the idempotent producer")', async () => {
    const { logs, configs } = captureKafkajs();
    for (const fast of [false, true]) {
      // Never connected (no send): closing it is a no-op.
      await new KafkaProducerService({ brokers: '127.0.0.1:1', clientId: 'unit', fast }).close();
    }
    expect(configs).toHaveLength(2);
    expect(logs).toEqual([]);
  });

  it('keeps sends bounded: finite retries, one request in flight, no topic auto-creation', () => {
    const { configs } = captureKafkajs();
    new KafkaProducerService({ brokers: '127.0.0.1:1', clientId: 'unit', fast: true });
    new KafkaProducerService({ brokers: '127.0.0.1:1', clientId: 'unit' });
    for (const config of configs) {
      expect(config).toMatchObject({ idempotent: false, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      expect(config.retry?.retries).toBeLessThanOrEqual(8);
      expect(config.retry?.maxRetryTime).toBeLessThanOrEqual(30_000);
    }
  });
});
