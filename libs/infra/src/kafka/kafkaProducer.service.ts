import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Partitioners, type IHeaders, type Producer, type RecordMetadata } from 'kafkajs';

import { createKafkaClient } from './createKafkaClient';
import { KafkaInfraError } from './errors';
import { KAFKA_PRODUCER_OPTIONS, type KafkaProducerOptions } from './kafkaProducerOptions';

/** A record key: chain ids and epochs are bigint in TS and go on the wire as decimal strings. */
export type KafkaKey = string | number | bigint | null;

/**
 * The project's Kafka producer: acks from all in-sync replicas, one request in flight per broker so retries cannot
 * reorder records of one key, bounded retries and a timeout per send. Values are JSON; bigints are written as decimal
 * strings (JSON has no integer type that holds them), and Buffers and strings are sent as they are. On shutdown it
 * waits for sends in progress, then disconnects.
 *
 * Not idempotent (kafkajs `idempotent: false`), on purpose: kafkajs's idempotent producer is only exactly-once with
 * unlimited retries (it warns "Limiting retries for the idempotent producer may invalidate EoS guarantees" when they
 * are bounded), and unlimited retries would keep a send that cannot succeed going in the background after its caller
 * gave up and after `close()`. With bounded retries a failed send is re-sent by its caller as a new record anyway, so
 * idempotence could not prevent that duplicate; what it would drop, the duplicate of one of kafkajs's own retries, is
 * harmless too, because every consumer of the project is idempotent (a record seen twice changes nothing). Order is
 * kept without it: with one request in flight a retried request is written before the next one is sent.
 *
 * @example
 * const producer = new KafkaProducerService({ brokers: env.KAFKA_BROKERS, clientId: 'chain-901' });
 * await producer.send(TOPICS.batchRoots, 901n, signedBatchRoot);
 * await producer.close();
 */
@Injectable()
export class KafkaProducerService implements OnApplicationShutdown {
  private readonly producer: Producer;
  private readonly sendTimeoutMs: number;
  private connecting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(@Inject(KAFKA_PRODUCER_OPTIONS) options: KafkaProducerOptions) {
    const fast = options.fast ?? false;
    this.sendTimeoutMs = options.sendTimeoutMs ?? (fast ? 10_000 : 30_000);
    this.producer = createKafkaClient({ brokers: options.brokers, clientId: options.clientId, fast }).producer({
      idempotent: false, // see the class comment
      maxInFlightRequests: 1,
      // Bounded, so that a send that cannot succeed (a missing topic, a broker gone for good) fails and stops
      // instead of retrying in the background after its caller timed out or the producer closed. Callers own the
      // retry beyond this (the outboxes re-publish until acknowledged) and consumers are idempotent, so a record
      // sent twice changes nothing.
      retry: {
        retries: fast ? 6 : 8,
        initialRetryTime: fast ? 100 : 300,
        maxRetryTime: fast ? 2_000 : 30_000,
      },
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** Connects once; later calls return the same promise. `send` calls it, so calling it is optional. */
  connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((e: unknown) => {
      this.connecting = undefined; // let the next call try again
      throw e;
    });
    return this.connecting;
  }

  /**
   * Sends one record and resolves once the broker has written it (acks = all).
   *
   * @example
   * await producer.send('interop.shared-roots', null, { epoch: '7', root: '0x…' });
   */
  async send(topic: string, key: KafkaKey, value: unknown, headers?: IHeaders): Promise<RecordMetadata[]> {
    if (this.closing) throw new KafkaInfraError('KAFKA_PRODUCER_CLOSED', `Producer is closed; cannot send to ${topic}`);
    const message = {
      key: key === null ? null : String(key),
      value: serializeValue(topic, value),
      ...(headers ? { headers } : {}),
    };
    const sending = (async () => {
      await this.connect();
      return this.producer.send({ topic, acks: -1, messages: [message] });
    })();
    this.inFlight.add(sending);
    try {
      return await withTimeout(sending, this.sendTimeoutMs, topic);
    } finally {
      this.inFlight.delete(sending);
    }
  }

  /** Waits for sends in progress (they may fail), then disconnects. Idempotent. */
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
}

function serializeValue(topic: string, value: unknown): Buffer | string {
  if (Buffer.isBuffer(value) || typeof value === 'string') return value;
  const json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  if (json === undefined) {
    throw new KafkaInfraError('KAFKA_VALUE_NOT_SERIALIZABLE', `Value for ${topic} has no JSON form`, {
      details: `got ${typeof value}`,
    });
  }
  return json;
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
