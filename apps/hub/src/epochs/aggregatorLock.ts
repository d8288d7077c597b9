import pg from 'pg';

/**
 * The single-aggregator election: a Postgres session advisory lock held on a dedicated connection (not the Prisma
 * pool, whose connections come and go). Whoever holds it aggregates; the others stay passive and retry. If the
 * connection drops, Postgres releases the lock and `held` turns false, so this process stops aggregating.
 */
export class AggregatorLock {
  private client: pg.Client | undefined;
  private lost = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly key: bigint,
  ) {}

  get held(): boolean {
    return this.client !== undefined && !this.lost;
  }

  /** Tries once; resolves true when this process now holds the lock. */
  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    await this.release();
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('error', () => {
      this.lost = true;
    });
    await client.connect();
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [
      this.key.toString(),
    ]);
    if (rows[0]?.ok) {
      this.client = client;
      this.lost = false;
      return true;
    }
    await client.end();
    return false;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [this.key.toString()]);
    } catch {
      // the session is gone: the lock went with it
    }
    await client.end().catch(() => undefined);
  }
}
