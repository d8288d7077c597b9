/**
 * Reads the chain app's two topics while the benchmark runs and notes when each record arrived, so the benchmark
 * knows when every message and every batch root is on Kafka (and can check that none is missing or doubled).
 */
import { createKafkaClient } from '@interop/infra';
import { logLevel, type Consumer } from 'kafkajs';

import { uniqueKafkaName } from '../../libs/infra/src/testing/kafkaNames';

export type RootArrival = { batchNumber: bigint; messageCount: number; at: number };
export type MessageArrival = { batchNumber: bigint; txHash: string; logIndex: number; at: number };

export class RecordCollector {
  readonly roots: RootArrival[] = [];
  readonly messages: MessageArrival[] = [];
  private waiters: (() => void)[] = [];

  private constructor(private readonly consumer: Consumer) {}

  /** Subscribes from the beginning of both topics; resolves once the consumer has joined its group. */
  static async start(brokers: string, topics: { roots: string; messages: string }): Promise<RecordCollector> {
    const kafka = createKafkaClient({ brokers, clientId: 'bench-chain', fast: true, logLevel: logLevel.ERROR });
    const consumer = kafka.consumer({
      groupId: uniqueKafkaName('bench-chain'),
      sessionTimeout: 6_000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 50,
      maxBytes: 64 * 1024 * 1024,
      allowAutoTopicCreation: false,
    });
    const collector = new RecordCollector(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.roots, topics.messages], fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachBatch: ({ batch }) => {
        const at = performance.now();
        for (const m of batch.messages) {
          const v = JSON.parse(m.value!.toString()) as Record<string, unknown>;
          if (batch.topic === topics.roots) {
            collector.roots.push({
              batchNumber: BigInt(v.batchNumber as string),
              messageCount: v.messageCount as number,
              at,
            });
          } else {
            collector.messages.push({
              batchNumber: BigInt(v.batchNumber as string),
              txHash: v.txHash as string,
              logIndex: v.logIndex as number,
              at,
            });
          }
        }
        for (const w of collector.waiters.splice(0)) w();
        return Promise.resolve();
      },
    });
    await joined;
    return collector;
  }

  /** Messages covered by the roots received so far. */
  rootedMessages(): number {
    return this.roots.reduce((s, r) => s + r.messageCount, 0);
  }

  /** Resolves once `done()` holds (checked after each fetched batch), or rejects at the deadline. */
  async until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1_000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
