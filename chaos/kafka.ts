import { createKafkaClient } from '@interop/infra';
import { uniqueKafkaName } from '@interop/infra/testing/kafkaNames';
import { logLevel, type Consumer, type Producer } from 'kafkajs';

export type TopicRecord = { partition: number; offset: string; key: string | null; value: Buffer | null };

/** Reads every record of a topic, from the beginning, into memory, and keeps reading until `close()`. */
export class TopicCollector {
  readonly records: TopicRecord[] = [];
  private consumer: Consumer | undefined;

  constructor(
    private readonly brokers: string,
    readonly topic: string,
  ) {}

  async start(): Promise<void> {
    const kafka = createKafkaClient({
      brokers: this.brokers,
      clientId: 'chaos-collector',
      fast: true,
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({
      groupId: uniqueKafkaName('chaos-collector'),
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 200,
      allowAutoTopicCreation: false,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        this.records.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value,
        });
        return Promise.resolve();
      },
    });
    this.consumer = consumer;
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }
}

/** The current end offsets of a topic (sum over partitions = records ever written, for an uncompacted topic). */
export async function topicSize(brokers: string, topic: string): Promise<number> {
  const admin = createKafkaClient({ brokers, clientId: 'chaos-admin', fast: true, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offs = await admin.fetchTopicOffsets(topic);
    return offs.reduce((a, o) => a + Number(o.high) - Number(o.low), 0);
  } finally {
    await admin.disconnect();
  }
}

export async function partitionsOf(brokers: string, topic: string): Promise<number> {
  const admin = createKafkaClient({ brokers, clientId: 'chaos-admin', fast: true, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    return md.topics[0]?.partitions.length ?? 1;
  } finally {
    await admin.disconnect();
  }
}

/** Reads the whole topic as it is now. */
export async function readAll(brokers: string, topic: string, timeoutMs = 60_000): Promise<TopicRecord[]> {
  const want = await topicSize(brokers, topic);
  const c = new TopicCollector(brokers, topic);
  await c.start();
  const deadline = Date.now() + timeoutMs;
  try {
    while (c.records.length < want) {
      if (Date.now() > deadline)
        throw new Error(`read ${c.records.length} of ${want} records of ${topic} in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return [...c.records];
  } finally {
    await c.close();
  }
}

/** A producer that returns the (partition, offset) of every record it wrote. */
export class TrackingProducer {
  private producer: Producer | undefined;

  constructor(private readonly brokers: string) {}

  async connect(): Promise<void> {
    const kafka = createKafkaClient({
      brokers: this.brokers,
      clientId: 'chaos-fuzzer',
      fast: true,
      logLevel: logLevel.NOTHING,
    });
    this.producer = kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  /**
   * Writes `values` to `topic`, round-robin over `partitions` (explicit partitions, so each record's offset is known);
   * returns one `{partition, offset}` per value, or an error string when the broker refused the write (oversize).
   */
  async send(
    topic: string,
    partitions: number,
    values: Array<{ key: string | null; value: Buffer | string | null }>,
  ): Promise<Array<{ partition: number; offset: string } | { error: string }>> {
    const p = this.producer;
    if (!p) throw new Error('TrackingProducer not connected');
    const messages = values.map((v, i) => ({ key: v.key, value: v.value, partition: i % partitions }));
    try {
      const meta = await p.send({ topic, acks: -1, messages });
      const base = new Map(meta.map((m) => [m.partition, BigInt(m.baseOffset ?? '0')]));
      const seen = new Map<number, bigint>();
      return messages.map((m) => {
        const k = seen.get(m.partition) ?? 0n;
        seen.set(m.partition, k + 1n);
        return { partition: m.partition, offset: ((base.get(m.partition) ?? 0n) + k).toString() };
      });
    } catch (e) {
      if (values.length === 1) return [{ error: (e as Error).message }];
      // One refused record fails the whole request: send one by one to find it.
      const out: Array<{ partition: number; offset: string } | { error: string }> = [];
      for (const v of values) out.push(...(await this.send(topic, partitions, [v])));
      return out;
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
  }
}
