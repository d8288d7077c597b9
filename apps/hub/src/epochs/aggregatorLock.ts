import pg from 'pg';

/** Timings of the lock's lease (see {@link AggregatorLock}). */
export type AggregatorLockTimings = {
  /** Postgres ends the lock session after this long without a query (`idle_session_timeout`): the lease. */
  leaseMs: number;
  /** The holder renews the lease (`SELECT 1` on the lock session) this often. */
  heartbeatMs: number;
  /** A query on the lock session not answered within this long counts as the lock lost. */
  queryTimeoutMs: number;
};

/**
 * Defaults: a holder that stops renewing (host gone, network cut, process frozen) loses the lock within 10 s; it
 * notices itself within heartbeat + query timeout (8 s), before Postgres hands the lock to a standby. Generous
 * enough that a loaded machine or a slow database (a heartbeat answered late) does not hand the lock over.
 */
export const AGGREGATOR_LOCK_TIMINGS: AggregatorLockTimings = {
  leaseMs: 10_000,
  heartbeatMs: 2_000,
  queryTimeoutMs: 6_000,
};

/**
 * The single-aggregator election: a Postgres session advisory lock held on a dedicated connection (not the Prisma
 * pool, whose connections come and go). Whoever holds it aggregates; the others stay passive and retry (on one
 * connection each, kept between tries). If the connection drops, Postgres releases the lock and `held` turns false,
 * so this process stops aggregating.
 *
 * How fast the lock comes free when the holder dies (docs/hub.md "Standby and failover"):
 * - process killed (SIGKILL, OOM, crash): its kernel closes the socket, the backend ends at once, the lock is free;
 * - host gone or network cut: nothing closes the socket. The lock session is a lease instead: Postgres ends it after
 *   `leaseMs` without a query (`idle_session_timeout`, PostgreSQL 14+) and the holder renews it every `heartbeatMs`;
 *   TCP keepalives and `tcp_user_timeout` on the session also end it once the client stops answering, instead of
 *   the server's default (7,200 s of idle before the first keepalive probe);
 * - process frozen (SIGSTOP, VM paused, stuck event loop): its kernel still answers keepalives, but the heartbeat
 *   stops, so the lease ends it too. On waking, its heartbeat fails and `held` turns false.
 * A holder whose heartbeat is not answered within `queryTimeoutMs` gives the lock up itself (heartbeat +
 * query timeout < lease: it stops before Postgres can hand the lock to a standby).
 */
export class AggregatorLock {
  private client: pg.Client | undefined;
  private acquired = false;
  private lost = false;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly key: bigint,
    private readonly timings: AggregatorLockTimings = AGGREGATOR_LOCK_TIMINGS,
  ) {}

  get held(): boolean {
    return this.acquired && !this.lost;
  }

  /** Tries once; resolves true when this process now holds the lock. */
  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    if (this.acquired || this.lost) await this.release();
    try {
      const client = this.client ?? (await this.connect());
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [
        this.key.toString(),
      ]);
      if (!rows[0]?.ok || this.lost) return false;
      this.acquired = true;
      this.heartbeat = setInterval(() => void this.renew(), this.timings.heartbeatMs);
      this.heartbeat.unref();
      return true;
    } catch (e) {
      // The connection is unusable: the next try opens another one.
      await this.release();
      throw e;
    }
  }

  /**
   * True when this process still holds the lock, checked with a round trip on the lock session (not just the last
   * heartbeat): for writes that a process which lost the lock unnoticed (frozen, then woken) must not make.
   */
  async confirm(): Promise<boolean> {
    if (!this.held) return false;
    try {
      await this.client!.query('SELECT 1');
    } catch {
      this.lost = true;
    }
    return this.held;
  }

  async release(): Promise<void> {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    const client = this.client;
    const wasAcquired = this.acquired && !this.lost;
    this.client = undefined;
    this.acquired = false;
    this.lost = false;
    if (!client) return;
    if (wasAcquired) {
      try {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [this.key.toString()]);
      } catch {
        // the session is gone: the lock went with it
      }
    }
    await client.end().catch(() => undefined);
  }

  /** A connection for the lock, its session set up as a lease (see the class comment). */
  private async connect(): Promise<pg.Client> {
    const { leaseMs, queryTimeoutMs } = this.timings;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      keepAlive: true,
      keepAliveInitialDelayMillis: 1_000,
      query_timeout: queryTimeoutMs,
      connectionTimeoutMillis: queryTimeoutMs * 2,
    });
    // Only the current connection's fate matters (release() ends the old one on purpose).
    const gone = (): void => {
      if (this.client === client) this.lost = true;
    };
    client.on('error', gone);
    client.on('end', gone);
    this.lost = false;
    this.client = client;
    await client.connect();
    // Each on its own: a server without one of them (idle_session_timeout is PostgreSQL 14+) still gives the lock.
    for (const setting of [
      `SET idle_session_timeout = ${leaseMs}`,
      `SET tcp_user_timeout = ${leaseMs}`,
      'SET tcp_keepalives_idle = 1',
      'SET tcp_keepalives_interval = 1',
      `SET tcp_keepalives_count = ${Math.max(1, Math.floor(leaseMs / 1_000) - 1)}`,
    ]) {
      await client.query(setting).catch(() => undefined);
    }
    return client;
  }

  /** Renews the lease; a failed or late answer means the lock is gone (or about to be). */
  private async renew(): Promise<void> {
    const client = this.client;
    if (!client || !this.held) return;
    try {
      await client.query('SELECT 1');
    } catch {
      this.lost = true;
    }
  }
}
