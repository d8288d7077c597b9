import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

import { kafkaClientConfig } from '../kafka/kafkaClientConfig';

export type WaitForDependenciesParameters = {
  /** Names the app in the log lines. */
  name: string;
  /** Kafka brokers the app needs (omit when it needs none). */
  kafkaBrokers?: string | readonly string[];
  /** Postgres the app needs (omit when it needs none). */
  databaseUrl?: string;
  log: (line: string) => void;
  /** First retry delay, doubling per attempt up to `maxDelayMs` (defaults 500 ms and 15 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Give up (reject) after this long; default never: an app waits for its dependencies as long as it takes. */
  timeoutMs?: number;
};

/**
 * Waits, before an app builds anything, until the broker and the database it needs answer: Kafka (a metadata
 * request) and Postgres (`SELECT 1`), retried with capped exponential backoff and a log line per failed attempt.
 * An app started while either is away (a restart during an outage) then waits instead of exiting into a supervisor
 * that would restart it into the same wall; once it runs, its consumers and loops ride out outages themselves.
 *
 * @example
 * await waitForDependencies({ name: 'hub', kafkaBrokers: config.KAFKA_BROKERS, databaseUrl: config.DATABASE_URL, log });
 */
export async function waitForDependencies(parameters: WaitForDependenciesParameters): Promise<void> {
  const initial = parameters.initialDelayMs ?? 500;
  const max = parameters.maxDelayMs ?? 15_000;
  const deadline = parameters.timeoutMs === undefined ? Infinity : Date.now() + parameters.timeoutMs;
  const checks: Array<[string, () => Promise<void>]> = [];
  if (parameters.databaseUrl !== undefined) checks.push(['Postgres', () => postgresAnswers(parameters.databaseUrl!)]);
  if (parameters.kafkaBrokers !== undefined) checks.push(['Kafka', () => kafkaAnswers(parameters.kafkaBrokers!)]);
  for (const [what, check] of checks) {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await check();
        if (attempt > 0) parameters.log(`${parameters.name}: ${what} answers after ${Date.now() - started} ms`);
        break;
      } catch (e) {
        const delay = Math.min(max, initial * 2 ** Math.min(attempt, 20));
        const reason = e instanceof Error ? e.message : String(e);
        if (Date.now() + delay > deadline)
          throw new Error(`${what} did not answer within the timeout: ${reason}`, { cause: e });
        parameters.log(`${parameters.name}: waiting for ${what} (${reason}); next try in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}

async function postgresAnswers(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined); // a connection dropped while checking is just a failed attempt
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function kafkaAnswers(brokers: string | readonly string[]): Promise<void> {
  // One try per attempt (the backoff is ours): the client's own retries would stretch an attempt to seconds.
  const config = kafkaClientConfig({
    brokers,
    clientId: 'wait-for-dependencies',
    fast: true,
    logLevel: logLevel.NOTHING,
  });
  const admin = new Kafka({ ...config, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
