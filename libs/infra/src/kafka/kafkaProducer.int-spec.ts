import { Kafka, type LogEntry } from 'kafkajs';

import { requireKafkaBrokers } from '../testing/kafkaBrokers';
import { uniqueKafkaName } from '../testing/kafkaNames';
import { readTopic } from '../testing/kafkaReadTopic';
import * as client from './createKafkaClient';
import { ensureTopics } from './ensureTopics';
import { kafkaClientConfig } from './kafkaClientConfig';
import { KafkaProducerService } from './kafkaProducer.service';

jest.setTimeout(60_000);

describe('KafkaProducerService logs (real broker)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('connects and sends without a kafkajs warning or error', async () => {
    const brokers = requireKafkaBrokers();
    const topic = uniqueKafkaName('test.producer-logs');
    await ensureTopics(brokers, [{ topic, numPartitions: 1 }]);
    // kafkajs's log output of the producer (at the project's level, WARN), through a logCreator of the test.
    const logs: string[] = [];
    const spy = jest.spyOn(client, 'createKafkaClient').mockImplementation((parameters) => {
      const logCreator = () => (entry: LogEntry) => void logs.push(`${entry.namespace}: ${entry.log.message}`);
      return new Kafka(kafkaClientConfig({ ...parameters, logCreator }));
    });
    const producer = new KafkaProducerService({ brokers, clientId: uniqueKafkaName('test.producer'), fast: true });
    try {
      await producer.connect();
      await producer.send(topic, 'k', { v: 1 });
    } finally {
      await producer.close();
      spy.mockRestore();
    }
    expect(logs).toEqual([]);
    const records = await readTopic({ brokers, topic, until: (r) => r.length >= 1 });
    expect(records.map((r) => r.value?.toString())).toEqual(['{"v":1}']);
  });
});
