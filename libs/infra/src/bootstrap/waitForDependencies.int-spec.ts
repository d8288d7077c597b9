import { createServer, connect, type Server } from 'node:net';

import { freePort } from '../testing/anvil';
import { requireKafkaBrokers } from '../testing/kafkaBrokers';
import { waitForDependencies } from './waitForDependencies';

jest.setTimeout(60_000);

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A TCP proxy to the real Postgres on `port`: the database "comes back" when it starts listening. */
function proxyTo(target: URL, port: number): Promise<Server> {
  const server = createServer((socket) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

describe('waitForDependencies (real Kafka and Postgres)', () => {
  it('returns at once when both answer, without a log line', async () => {
    const lines: string[] = [];
    await waitForDependencies({
      name: 'test',
      kafkaBrokers: requireKafkaBrokers(),
      databaseUrl: DATABASE_URL,
      log: (l) => lines.push(l),
    });
    expect(lines).toEqual([]);
  });

  it('waits while the database is away and goes on once it answers', async () => {
    const port = await freePort();
    const target = new URL(DATABASE_URL);
    const away = new URL(DATABASE_URL);
    away.host = `127.0.0.1:${port}`;
    const lines: string[] = [];
    let server: Server | undefined;
    const waiting = waitForDependencies({
      name: 'test',
      databaseUrl: away.toString(),
      log: (l) => {
        lines.push(l);
        // The database comes back after the second failed attempt.
        if (lines.length === 2) void proxyTo(target, port).then((s) => (server = s));
      },
      initialDelayMs: 200,
      maxDelayMs: 400,
    });
    try {
      await expect(waiting).resolves.toBeUndefined();
      expect(lines.filter((l) => /waiting for Postgres/.test(l)).length).toBeGreaterThanOrEqual(2);
      expect(lines.at(-1)).toMatch(/test: Postgres answers after \d+ ms/);
    } finally {
      await new Promise((r) => (server ? server.close(r) : r(undefined)));
    }
  });

  it('gives up after timeoutMs naming the dependency (a broker that never comes)', async () => {
    const port = await freePort();
    const lines: string[] = [];
    await expect(
      waitForDependencies({
        name: 'test',
        kafkaBrokers: `127.0.0.1:${port}`,
        log: (l) => lines.push(l),
        initialDelayMs: 200,
        maxDelayMs: 400,
        timeoutMs: 2_000,
      }),
    ).rejects.toThrow(/Kafka did not answer within the timeout/);
    expect(lines[0]).toMatch(/test: waiting for Kafka/);
  });
});
