import { KafkaJSNonRetriableError, logLevel } from 'kafkajs';

import { requireKafkaBrokers } from '../testing/kafkaBrokers';
import { uniqueKafkaName } from '../testing/kafkaNames';
import { ConsumerRegistry, ConsumerSupervisor, consumersHealthCheck } from './consumerSupervisor';
import { createKafkaClient } from './createKafkaClient';
import { ensureTopics } from './ensureTopics';
import { KafkaProducerService } from './kafkaProducer.service';

jest.setTimeout(90_000);

/** Polls `probe` every 100 ms until it returns a value, failing after `timeoutMs`. */
async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A real broker and a consumer whose handler throws a non-retriable error once, the way a producer error inside a
 * handler does (the dead letter of a 900 KB record refused by the broker stopped the hub's consumer for good).
 * kafkajs does not restart a consumer after that; the supervisor must, and the record must still be consumed.
 */
describe('ConsumerSupervisor (real Kafka)', () => {
  const brokers = requireKafkaBrokers();
  const topic = uniqueKafkaName('test.supervisor.in');
  const producer = new KafkaProducerService({ brokers, clientId: 'supervisor-test', fast: true });
  const kafka = createKafkaClient({ brokers, clientId: 'supervisor-test', fast: true, logLevel: logLevel.NOTHING });

  beforeAll(async () => {
    await ensureTopics(brokers, [{ topic, numPartitions: 1 }]);
  });

  afterAll(async () => {
    await producer.close();
  });

  it('restarts a consumer kafkajs stopped for good, with backoff, and /health says so meanwhile', async () => {
    const seen: string[] = [];
    let poisoned = false;
    const registry = new ConsumerRegistry();
    const health = consumersHealthCheck(registry);
    const groupId = uniqueKafkaName('test.supervisor.group');
    const supervisor = registry.add(
      new ConsumerSupervisor({
        name: 'test.in',
        backoff: { initialMs: 1_500, maxMs: 1_500 },
        create: () => kafka.consumer({ groupId, sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 }),
        run: async (consumer) => {
          await consumer.connect();
          await consumer.subscribe({ topics: [topic], fromBeginning: true });
          await consumer.run({
            eachMessage: ({ message }) => {
              const value = message.value!.toString();
              if (value === 'poison' && !poisoned) {
                poisoned = true;
                return Promise.reject(new KafkaJSNonRetriableError('refused for good (test)'));
              }
              seen.push(value);
              return Promise.resolve();
            },
          });
        },
      }),
    );
    try {
      await supervisor.start();
      await until('the first join', () => (supervisor.status().state === 'running' ? true : undefined));
      await expect(health.check()).resolves.toMatchObject({ 'test.in': { state: 'running', restarts: 0 } });

      for (const v of ['one', 'poison', 'two']) await producer.send(topic, null, v);
      // Stopped by kafkajs, waiting for its restart: health is down and says why.
      await until('the crash', () => (supervisor.status().state === 'restarting' ? true : undefined));
      await expect(health.check()).rejects.toThrow(/test\.in restarting .*refused for good \(test\)/);

      // The new consumer resumes at the record that crashed the old one: nothing skipped, nothing lost.
      await until('every record consumed', () => (seen.length >= 3 ? true : undefined));
      expect(seen).toEqual(['one', 'poison', 'two']);
      await until('running again', () => (supervisor.status().state === 'running' ? true : undefined));
      expect(supervisor.status()).toMatchObject({ restarts: 1, lastError: expect.stringMatching(/refused for good/) });
      await expect(health.check()).resolves.toMatchObject({ 'test.in': { state: 'running', restarts: 1 } });
    } finally {
      await supervisor.stop();
    }
    expect(supervisor.status().state).toBe('stopped');
  });

  it('a first start against a broker that is not there is retried instead of failing the app', async () => {
    const dead = createKafkaClient({
      brokers: '127.0.0.1:1',
      clientId: 'supervisor-test',
      fast: true,
      logLevel: logLevel.NOTHING,
    });
    let attempts = 0;
    const supervisor = new ConsumerSupervisor({
      name: 'test.dead',
      backoff: { initialMs: 200, maxMs: 400 },
      create: () => {
        attempts++;
        return dead.consumer({ groupId: uniqueKafkaName('test.supervisor.dead'), retry: { retries: 0 } });
      },
      run: async (consumer) => {
        await consumer.connect();
      },
    });
    try {
      await expect(supervisor.start()).resolves.toBeUndefined();
      await until('two more attempts', () => (attempts >= 3 ? true : undefined));
      expect(supervisor.status()).toMatchObject({
        state: 'restarting',
        lastError: expect.stringMatching(/Connection/i),
      });
    } finally {
      await supervisor.stop();
    }
  });
});
