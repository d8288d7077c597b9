import { EventEmitter, once } from 'node:events';

import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, KafkaContext, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import { z } from 'zod';

import { requireKafkaBrokers } from '../testing/kafkaBrokers';
import { uniqueKafkaName } from '../testing/kafkaNames';
import { readTopic } from '../testing/kafkaReadTopic';
import { createKafkaClient } from './createKafkaClient';
import { deadLetterRecordSchema } from './deadLetterRecord';
import { ensureTopics } from './ensureTopics';
import { KafkaProducerService } from './kafkaProducer.service';
import { kafkaMicroserviceOptions } from './kafkaMicroserviceOptions';
import { validateOrDeadLetter } from './validateOrDeadLetter';

jest.setTimeout(90_000);

// Unique per run: no records or group members from another run can interfere.
const INPUT_TOPIC = uniqueKafkaName('test.kafka-int.in');
const DLQ_TOPIC = uniqueKafkaName('test.kafka-int.dlq');
const GROUP_ID = uniqueKafkaName('test.kafka-int.group');

const transferSchema = z.object({
  v: z.literal(1),
  id: z.string(),
  amount: z.string().regex(/^\d+$/).transform(BigInt),
});
type Transfer = z.output<typeof transferSchema>;

const events = new EventEmitter();
const received: Transfer[] = [];

@Controller()
class TransferConsumer {
  // <string>: the untyped overload; the typed one would demand `unknown` for every parameter after the payload.
  @EventPattern<string>(INPUT_TOPIC)
  async onTransfer(@Payload() raw: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
    const transfer = await validateOrDeadLetter(transferSchema, raw, ctx, {
      deadLetterTopic: DLQ_TOPIC,
      consumer: GROUP_ID,
    });
    if (transfer === undefined) return;
    received.push(transfer);
    events.emit('received', transfer);
  }
}

@Module({ controllers: [TransferConsumer] })
class TransferModule {}

/** Resolves once `count` valid records have reached the handler. */
async function receivedCount(count: number, timeoutMs: number): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs);
  while (received.length < count) {
    await once(events, 'received', { signal }).catch(() => {
      throw new Error(`only ${received.length}/${count} records reached the handler within ${timeoutMs} ms`);
    });
  }
}

describe('Kafka integration (real broker)', () => {
  const brokers = requireKafkaBrokers();
  let app: INestMicroservice | undefined;
  let producer: KafkaProducerService | undefined;

  afterAll(async () => {
    await app?.close();
    await producer?.close();
  });

  it('ensureTopics creates topics once and waits for their leaders', async () => {
    const first = await ensureTopics(brokers, [{ topic: INPUT_TOPIC, numPartitions: 1 }, DLQ_TOPIC]);
    expect(first.created.sort()).toEqual([DLQ_TOPIC, INPUT_TOPIC].sort());
    expect(first.partitions).toEqual({ [INPUT_TOPIC]: 1, [DLQ_TOPIC]: 3 });

    const second = await ensureTopics(brokers, [INPUT_TOPIC, DLQ_TOPIC]);
    expect(second.created).toEqual([]);
    expect(second.existing.sort()).toEqual([DLQ_TOPIC, INPUT_TOPIC].sort());
  });

  it('delivers good records to an @EventPattern handler and dead-letters malformed ones without stopping', async () => {
    app = await NestFactory.createMicroservice<MicroserviceOptions>(TransferModule, {
      ...kafkaMicroserviceOptions({ brokers, clientId: 'kafka-int-test', groupId: GROUP_ID, fast: true }),
      logger: ['error'],
    });
    await app.listen();

    producer = new KafkaProducerService({ brokers, clientId: 'kafka-int-test-producer', fast: true });
    const notUtf8 = Buffer.from([0xff, 0xfe, 0x00, 0x7b]);
    // One partition: the bad records sit between the good ones, so the second good record proves the consumer
    // went on after them.
    await producer.send(INPUT_TOPIC, 'k', { v: 1, id: 'first', amount: 12345678901234567890n });
    await producer.send(INPUT_TOPIC, 'k', '{"v":1,"id":"broken"');
    await producer.send(INPUT_TOPIC, 'k', notUtf8);
    await producer.send(INPUT_TOPIC, 'k', { v: 1, id: 'wrong', amount: 1.5 });
    // Nest's default deserializer would route this to a handler named "other"; ours keeps it on the topic's handler.
    await producer.send(INPUT_TOPIC, 'k', { pattern: 'other', data: { v: 1 } });
    await producer.send(INPUT_TOPIC, 'k', { v: 1, id: 'second', amount: 2n });

    await receivedCount(2, 60_000);
    expect(received.map((t) => t.id)).toEqual(['first', 'second']);
    expect(received[0]!.amount).toBe(12345678901234567890n);

    const deadLetters = await readTopic({ brokers, topic: DLQ_TOPIC, until: (r) => r.length >= 4 });
    const parsed = deadLetters
      .map((r) => deadLetterRecordSchema.parse(JSON.parse(r.value!.toString())))
      .sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)));
    expect(deadLetters.every((r) => r.key === INPUT_TOPIC)).toBe(true);
    expect(parsed.map((d) => [d.offset, d.errorCode])).toEqual([
      ['1', 'MALFORMED_JSON'],
      ['2', 'MALFORMED_JSON'],
      ['3', 'SCHEMA_VIOLATION'],
      ['4', 'SCHEMA_VIOLATION'],
    ]);
    const [broken, binary, wrong, routed] = parsed;
    expect(broken).toMatchObject({
      sourceTopic: INPUT_TOPIC,
      partition: 0,
      key: 'k',
      value: '{"v":1,"id":"broken"',
      valueEncoding: 'utf8',
      consumer: GROUP_ID,
    });
    expect(broken!.reason).toMatch(/not JSON/);
    expect(binary).toMatchObject({ valueEncoding: 'base64', reason: 'value is not valid UTF-8' });
    expect(Buffer.from(binary!.value!, 'base64')).toEqual(notUtf8);
    expect(wrong!.reason).toMatch(/^amount: /);
    expect(routed!.reason).toMatch(/v: /);
    expect(Date.now() - Date.parse(wrong!.at)).toBeLessThan(120_000);

    // Every record, dead-lettered or not, was acknowledged: the group's committed offset is past the last one.
    await app.close();
    app = undefined;
    const admin = createKafkaClient({ brokers, clientId: 'kafka-int-test-admin', fast: true }).admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: GROUP_ID, topics: [INPUT_TOPIC] });
      expect(offsets!.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '6' })]);
    } finally {
      await admin.disconnect();
    }
  });
});

describe('KafkaProducerService (real broker)', () => {
  it('gives up on a send that cannot succeed instead of retrying forever', async () => {
    const producer = new KafkaProducerService({
      brokers: requireKafkaBrokers(),
      clientId: uniqueKafkaName('test.producer'),
      fast: true,
      sendTimeoutMs: 60_000,
    });
    const missing = uniqueKafkaName('test.missing-topic');
    const t0 = Date.now();
    const error: unknown = await producer.send(missing, 'k', { v: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // The client's own bounded retries end the send, well before the caller's timeout would; with unbounded retries
    // it would still be retrying in the background after the caller gave up and after close().
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toMatchObject({ code: 'KAFKA_SEND_TIMEOUT' });
    expect(Date.now() - t0).toBeLessThan(30_000);
    await producer.close();
    await expect(producer.send(missing, 'k', { v: 1 })).rejects.toMatchObject({ code: 'KAFKA_PRODUCER_CLOSED' });
  });
});
