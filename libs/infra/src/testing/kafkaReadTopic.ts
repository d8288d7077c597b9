import { logLevel } from 'kafkajs';

import { createKafkaClient } from '../kafka/createKafkaClient';
import { uniqueKafkaName } from './kafkaNames';

/** A record as read back by a test. */
export type ReadRecord = { partition: number; offset: string; key: string | null; value: Buffer | null };

export type ReadTopicParameters = {
  brokers: string;
  topic: string;
  /** Resolve as soon as this holds for the records read so far (from the topic's beginning). */
  until: (records: readonly ReadRecord[]) => boolean;
  timeoutMs?: number;
};

/**
 * Reads a topic from its beginning with a fresh consumer group until `until` holds, then disconnects. Rejects at the
 * deadline with what it had read, so a failing test says what was there instead of hanging.
 *
 * @example
 * const records = await readTopic({ brokers, topic: dlq, until: (r) => r.length >= 2 });
 */
export async function readTopic({
  brokers,
  topic,
  until,
  timeoutMs = 30_000,
}: ReadTopicParameters): Promise<ReadRecord[]> {
  const kafka = createKafkaClient({ brokers, clientId: 'test-read-topic', fast: true, logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({
    groupId: uniqueKafkaName('test-read-topic'),
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });
  const records: ReadRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `readTopic(${topic}): condition not met within ${timeoutMs} ms; read ${JSON.stringify(describe(records))}`,
            ),
          ),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: ({ partition, message }) => {
            records.push({
              partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
              value: message.value,
            });
            if (until(records)) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
    return records;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}

function describe(records: readonly ReadRecord[]): Array<{ key: string | null; value: string | null }> {
  return records.map((r) => ({ key: r.key, value: r.value?.toString() ?? null }));
}
