import { ConsumerRegistry, type KafkaProducerService } from '@interop/infra';
import type { CircuitInput } from '@interop/prover';

import { KafkaProofProvider } from './kafkaProofProvider';

// The job publication fails (broker away): prove() rejects with that error, and the proof's timeout, whose promise
// nobody awaits any more, must not reject later as an unhandled rejection (which stops a Node process).
describe('KafkaProofProvider.prove when the job cannot be published', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('rejects with the send error and leaves no timer that rejects later', async () => {
    const producer = {
      send: jest.fn().mockRejectedValue(new Error('Connection error: connect ECONNREFUSED')),
    } as unknown as KafkaProducerService;
    const provider = new KafkaProofProvider(producer, new ConsumerRegistry(), {
      brokers: ['127.0.0.1:1'],
      groupId: 'test',
      capacity: 1,
      jobsTopic: 'jobs',
      proofsTopic: 'proofs',
      deadLetterTopic: 'dlq',
      timeoutMs: 600_000,
      fast: true,
    });
    // The consumer side (Kafka I/O) is not what is under test.
    jest.spyOn(provider as unknown as { start(): Promise<void> }, 'start').mockResolvedValue(undefined);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(provider.prove(18n, 's2', {} as CircuitInput)).rejects.toThrow(/ECONNREFUSED/);
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(700_000);
      jest.useRealTimers();
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
