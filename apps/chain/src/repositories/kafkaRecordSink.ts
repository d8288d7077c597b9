import { createKafkaClient, KafkaInfraError } from '@interop/infra';
import type { OnApplicationShutdown } from '@nestjs/common';
import { Partitioners, type Producer } from 'kafkajs';

import type { OutRecord, RecordSink } from '../domain/ports';

export type KafkaRecordSinkOptions = {
  brokers: string | readonly string[];
  clientId: string;
  /** Longest wait for the acknowledgement of one request before `sendMany` fails (the caller retries). */
  sendTimeoutMs: number;
  /** Largest sum of key and value bytes per produce request (below the broker's message.max.bytes, 1 MiB default). */
  maxRequestBytes: number;
};

/**
 * `RecordSink` on Kafka that puts many records in one produce request. The project's `KafkaProducerService`
 * (libs/infra) sends one record per request: a round trip and a socket write per message, which bench/chain measured
 * as the chain app's largest cost. It has no multi-record send, and libs/ is not this app's to change, so this sink
 * owns a producer with the same settings (acks from all in-sync replicas, one request in flight so retries cannot
 * reorder records of one key, bounded retries, a timeout per request; not a kafkajs idempotent producer, for the
 * reason docs/operations-infra.md gives: that one needs unlimited retries) and sends each call's records
 * in requests of at most `maxRequestBytes`, one after the other, in the order given.
 */
export class KafkaRecordSink implements RecordSink, OnApplicationShutdown {
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: KafkaRecordSinkOptions) {
    this.producer = createKafkaClient({ brokers: options.brokers, clientId: options.clientId }).producer({
      maxInFlightRequests: 1,
      // Bounded (like KafkaProducerService): a send that cannot succeed fails instead of retrying in the background;
      // the outbox re-publishes until acknowledged and consumers are idempotent.
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 30_000 },
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async sendMany(topic: string, records: readonly OutRecord[]): Promise<void> {
    for (const chunk of chunkBySize(records, this.options.maxRequestBytes)) {
      if (this.closing)
        throw new KafkaInfraError('KAFKA_PRODUCER_CLOSED', `Producer is closed; cannot send to ${topic}`);
      const sending = (async () => {
        await this.connect();
        return this.producer.send({ topic, acks: -1, messages: chunk.map((r) => ({ key: r.key, value: r.value })) });
      })();
      this.inFlight.add(sending);
      try {
        await withTimeout(sending, this.options.sendTimeoutMs, topic);
      } finally {
        this.inFlight.delete(sending);
      }
    }
  }

  /** Waits for requests in progress (they may fail), then disconnects. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.inFlight]);
      if (this.connecting) {
        await this.connecting.catch(() => undefined);
        await this.producer.disconnect();
      }
    })();
    return this.closing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((e: unknown) => {
      this.connecting = undefined; // the next request tries again
      throw e;
    });
    return this.connecting;
  }
}

/**
 * Splits `records` into consecutive runs whose key + value bytes stay within `maxBytes` (a record larger than that
 * goes alone). Order is kept.
 */
export function chunkBySize(records: readonly OutRecord[], maxBytes: number): OutRecord[][] {
  const chunks: OutRecord[][] = [];
  let current: OutRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    const size = Buffer.byteLength(r.key) + Buffer.byteLength(r.value);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, topic: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new KafkaInfraError('KAFKA_SEND_TIMEOUT', `Send to ${topic} not acknowledged within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
