import type { Consumer } from 'kafkajs';

import type { HealthCheck } from '../health/healthCheck';

/** Where a supervised consumer stands: `starting` (first join), `running`, `restarting` (after a crash), `stopped`. */
export type ConsumerState = 'starting' | 'running' | 'restarting' | 'stopped';

/** What `/health` and operators see of one consumer. */
export type ConsumerStatus = {
  name: string;
  state: ConsumerState;
  /** ISO time the state was entered. */
  since: string;
  /** Restarts after crashes, by kafkajs or by the supervisor. */
  restarts: number;
  /** Dead letters the broker refused even without their value excerpt (dropped, logged). */
  deadLettersDropped: number;
  lastError?: string;
  lastErrorAt?: string;
};

export type ConsumerSupervisorLogger = { log(m: string): void; warn(m: string): void; error(m: string): void };

export type ConsumerSupervisorOptions = {
  /** Names the consumer in logs and health, e.g. `hub.batch-roots`. */
  name: string;
  /** A new, unconnected consumer; called for every (re)start, as a crashed kafkajs consumer is not reused. */
  create: () => Consumer;
  /** Connects, subscribes and runs `consumer` (resolves once `consumer.run` has). */
  run: (consumer: Consumer) => Promise<void>;
  /** Restart delay: `initialMs` doubling per failed attempt up to `maxMs` (defaults 500 ms and 30 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  logger?: ConsumerSupervisorLogger;
};

/**
 * Keeps a kafkajs consumer running whatever stops it. kafkajs restarts a consumer itself after a retriable error,
 * but after a non-retriable one (a producer error inside the handler, a protocol refusal) it emits CRASH with
 * `restart: false` and stays stopped for good, while the app goes on as if it consumed. The supervisor then
 * disconnects it and starts a new one, with capped exponential backoff (jittered), for as long as the app runs; a
 * failing first start (broker away at boot) is retried the same way instead of stopping the app. `status()` says
 * which state it is in, for `/health`.
 *
 * @example
 * const supervisor = new ConsumerSupervisor({
 *   name: 'hub.batch-roots',
 *   create: () => kafka.consumer({ groupId }),
 *   run: async (c) => { await c.connect(); await c.subscribe({ topics: [topic] }); await c.run({ eachBatch }); },
 * });
 * await supervisor.start();
 */
export class ConsumerSupervisor {
  private consumer: Consumer | undefined;
  private state: ConsumerState = 'stopped';
  private since = new Date();
  private restarts = 0;
  private attempt = 0;
  private dropped = 0;
  private lastError: { message: string; at: Date } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private relaunch: Promise<void> | undefined;

  constructor(private readonly options: ConsumerSupervisorOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** The consumer of the current run (a new one after each restart). */
  get current(): Consumer | undefined {
    return this.consumer;
  }

  /** Starts the first consumer; resolves once it runs, or once its failure has scheduled a retry. */
  async start(): Promise<void> {
    if (this.consumer || this.timer) return;
    this.stopping = false;
    await this.launch('starting');
  }

  /** Stops the consumer (after the batch in progress) and any pending restart. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.relaunch?.catch(() => undefined);
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer
      ?.disconnect()
      .catch((e: unknown) => this.options.logger?.warn(`${this.name}: disconnect: ${msg(e)}`));
    this.enter('stopped');
  }

  /** Counts a dead letter that could not be written at all (shown in the status). */
  noteDroppedDeadLetter(): void {
    this.dropped++;
  }

  status(): ConsumerStatus {
    return {
      name: this.name,
      state: this.state,
      since: this.since.toISOString(),
      restarts: this.restarts,
      deadLettersDropped: this.dropped,
      ...(this.lastError ? { lastError: this.lastError.message, lastErrorAt: this.lastError.at.toISOString() } : {}),
    };
  }

  private async launch(state: 'starting' | 'restarting'): Promise<void> {
    const consumer = this.options.create();
    this.consumer = consumer;
    this.enter(state);
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.consumer !== consumer || this.stopping) return;
      this.attempt = 0;
      this.enter('running');
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.consumer !== consumer || this.stopping) return;
      this.failed(payload.error);
      this.restarts++;
      if (payload.restart) {
        this.enter('restarting'); // kafkajs restarts this consumer itself; GROUP_JOIN marks it running again
        return;
      }
      this.scheduleRestart(consumer);
    });
    try {
      await this.options.run(consumer);
    } catch (e) {
      if (this.stopping || this.consumer !== consumer) return;
      this.failed(e);
      if (state === 'restarting') this.restarts++;
      this.scheduleRestart(consumer);
    }
  }

  private scheduleRestart(old: Consumer): void {
    const initial = this.options.backoff?.initialMs ?? 500;
    const max = this.options.backoff?.maxMs ?? 30_000;
    const delay = Math.round(Math.min(max, initial * 2 ** Math.min(this.attempt, 30)) * (0.75 + Math.random() / 4));
    this.attempt++;
    this.enter('restarting');
    this.options.logger?.warn(
      `${this.name}: stopped by ${this.lastError?.message ?? 'an error'}; restart in ${delay} ms`,
    );
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.relaunch = (async () => {
        await old.disconnect().catch(() => undefined);
        if (!this.stopping) await this.launch('restarting');
      })();
    }, delay);
  }

  private failed(error: unknown): void {
    this.lastError = { message: msg(error).slice(0, 500), at: new Date() };
    this.options.logger?.error(`${this.name}: ${this.lastError.message}`);
  }

  private enter(state: ConsumerState): void {
    if (this.state === state) return;
    this.state = state;
    this.since = new Date();
  }
}

/** The consumers of an app, for `/health`: built before the consumers exist, which register as they are created. */
export class ConsumerRegistry {
  private readonly supervisors = new Set<ConsumerSupervisor>();

  add(supervisor: ConsumerSupervisor): ConsumerSupervisor {
    this.supervisors.add(supervisor);
    return supervisor;
  }

  remove(supervisor: ConsumerSupervisor): void {
    this.supervisors.delete(supervisor);
  }

  statuses(): ConsumerStatus[] {
    return [...this.supervisors].map((s) => s.status());
  }
}

/**
 * `/health` check `kafka-consumers`: up while every registered consumer is starting or running, down (naming each
 * one, its state and last error) while one restarts or was stopped other than by the app's shutdown.
 */
export function consumersHealthCheck(registry: ConsumerRegistry): HealthCheck {
  return {
    name: 'kafka-consumers',
    check: () => {
      const statuses = registry.statuses();
      const details = Object.fromEntries(statuses.map((s) => [s.name, s]));
      const down = statuses.filter((s) => s.state === 'restarting' || s.state === 'stopped');
      if (down.length > 0) {
        return Promise.reject(
          new Error(
            down
              .map(
                (s) => `${s.name} ${s.state} since ${s.since} (${s.restarts} restarts): ${s.lastError ?? 'no error'}`,
              )
              .join('; '),
          ),
        );
      }
      return Promise.resolve(details);
    },
  };
}

function msg(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
