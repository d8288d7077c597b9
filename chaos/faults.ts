import { DevnetUser, type Devnet } from '@interop/devnet';
import type { Address, Hex } from 'viem';

import type { DedicatedPostgres, RestartableKafka } from './infra';
import type { Rng } from './rng';
import { rpc, type BlockMiner } from './traffic';

export type FaultKind = 'kill' | 'kafka-restart' | 'postgres-restart' | 'relayer-crash' | 'reorg' | 'unplanned-exit';

/** One injected fault: when (ms since the traffic started), what, how long the target was down, and how it ended. */
export type FaultEvent = {
  atMs: number;
  kind: FaultKind;
  target: string;
  downMs: number;
  ok: boolean;
  note?: string;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Injects the faults of a chaos run on a devnet: SIGKILL + restart of an app, a Kafka broker restart, a Postgres
 * crash-restart, a relayer crash inside its send path (CHAOS_RELAYER_CRASH hook of apps/bridge). One fault at a time.
 * A watchdog restarts any app that exits by itself (what an orchestrator's restart policy does) and records it as an
 * `unplanned-exit`: the summary shows whether an app gave up on its own during a fault.
 */
export class FaultInjector {
  readonly events: FaultEvent[] = [];
  private readonly busy = new Set<string>();
  private watchdog: NodeJS.Timeout | undefined;
  private readonly t0 = Date.now();
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly devnet: Devnet,
    private readonly rng: Rng,
    private readonly log: (line: string) => void,
    private readonly infra: { kafka?: RestartableKafka; postgres?: DedicatedPostgres } = {},
    /** How long the broker and the database stay down per restart (default: 1 to 4 s, drawn). */
    private readonly outages: { kafkaDownMs?: number; postgresDownMs?: number } = {},
  ) {}

  private now(): number {
    return Date.now() - this.t0;
  }

  startWatchdog(): void {
    this.watchdog = setInterval(() => {
      for (const app of this.devnet.apps.values()) {
        if (app.running || this.busy.has(app.name)) continue;
        this.busy.add(app.name);
        const at = this.now();
        const t = Date.now();
        this.log(`watchdog: ${app.name} exited on its own; restarting\n${app.tail(1500)}`);
        void (async () => {
          let ok = true;
          try {
            app.start();
            await app.waitHealthy(120_000);
          } catch (e) {
            ok = false;
            this.log(`watchdog: ${app.name} restart failed: ${(e as Error).message.slice(0, 300)}`);
          } finally {
            this.events.push({ atMs: at, kind: 'unplanned-exit', target: app.name, downMs: Date.now() - t, ok });
            this.busy.delete(app.name);
          }
        })();
      }
    }, 1_000);
  }

  async stopWatchdog(): Promise<void> {
    clearInterval(this.watchdog);
    while (this.busy.size > 0) await sleep(100);
  }

  /** Serialises faults (a kill never overlaps a broker restart). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** SIGKILL `name`, leave it down a random 0.2-3 s, start it again and wait until it is healthy. */
  killAndRestart(name: string): Promise<FaultEvent> {
    return this.exclusive(async () => {
      const app = this.devnet.app(name);
      this.busy.add(name);
      const at = this.now();
      const t = Date.now();
      let ok = true;
      let note: string | undefined;
      try {
        await app.kill('SIGKILL');
        await sleep(this.rng.int(200, 3_000));
        app.start();
        await app.waitHealthy(120_000);
      } catch (e) {
        ok = false;
        note = (e as Error).message.slice(0, 300);
      } finally {
        this.busy.delete(name);
      }
      const ev: FaultEvent = {
        atMs: at,
        kind: 'kill',
        target: name,
        downMs: Date.now() - t,
        ok,
        ...(note ? { note } : {}),
      };
      this.events.push(ev);
      this.log(`fault: kill -9 ${name} (${ok ? `back after ${ev.downMs} ms` : `FAILED: ${note}`})`);
      return ev;
    });
  }

  kafkaRestart(): Promise<FaultEvent> {
    return this.exclusive(async () => {
      const kafka = this.infra.kafka;
      const at = this.now();
      if (!kafka)
        return this.push({
          atMs: at,
          kind: 'kafka-restart',
          target: 'kafka',
          downMs: 0,
          ok: false,
          note: 'no dedicated broker',
        });
      try {
        const r = await kafka.restart('SIGKILL', this.outages.kafkaDownMs ?? this.rng.int(1_000, 4_000));
        return this.push({ atMs: at, kind: 'kafka-restart', target: r.target, downMs: r.ms, ok: true });
      } catch (e) {
        return this.push({
          atMs: at,
          kind: 'kafka-restart',
          target: 'kafka',
          downMs: 0,
          ok: false,
          note: (e as Error).message,
        });
      }
    });
  }

  postgresRestart(): Promise<FaultEvent> {
    return this.exclusive(async () => {
      const pg = this.infra.postgres;
      const at = this.now();
      if (!pg)
        return this.push({
          atMs: at,
          kind: 'postgres-restart',
          target: 'postgres',
          downMs: 0,
          ok: false,
          note: 'no dedicated cluster',
        });
      try {
        const ms = await pg.restart(this.outages.postgresDownMs ?? this.rng.int(1_000, 4_000));
        return this.push({ atMs: at, kind: 'postgres-restart', target: `postgres:${pg.port}`, downMs: ms, ok: true });
      } catch (e) {
        return this.push({
          atMs: at,
          kind: 'postgres-restart',
          target: 'postgres',
          downMs: 0,
          ok: false,
          note: (e as Error).message,
        });
      }
    });
  }

  /**
   * Restarts the bridge with CHAOS_RELAYER_CRASH=`point`: it SIGKILLs itself inside its next relay (after recording
   * the signed transaction, or after broadcasting it, before the outcome is recorded). Waits for that crash (up to
   * `timeoutMs`, while traffic makes messages relayable), then restarts the bridge without the hook.
   */
  relayerCrash(point: 'after-record' | 'after-broadcast', timeoutMs = 120_000): Promise<FaultEvent> {
    return this.exclusive(async () => {
      const app = this.devnet.app('bridge');
      this.busy.add('bridge');
      const at = this.now();
      const t = Date.now();
      const result = { ok: false, note: '' };
      try {
        await app.kill('SIGKILL');
        app.spec.env.CHAOS_RELAYER_CRASH = point;
        app.start();
        await app.waitHealthy(120_000).catch(() => undefined); // it may crash before /health answers
        const deadline = Date.now() + timeoutMs;
        while (app.running && Date.now() < deadline) await sleep(100);
        result.ok = !app.running;
        result.note = result.ok
          ? `bridge killed itself ${point}`
          : `no relay within ${timeoutMs} ms: hook not triggered`;
      } finally {
        delete app.spec.env.CHAOS_RELAYER_CRASH;
        await app.kill('SIGKILL');
        app.start();
        await app.waitHealthy(120_000);
        this.busy.delete('bridge');
      }
      return this.push({
        atMs: at,
        kind: 'relayer-crash',
        target: `bridge:${point}`,
        downMs: Date.now() - t,
        ...result,
      });
    });
  }

  private push(ev: FaultEvent): FaultEvent {
    this.events.push(ev);
    this.log(`fault: ${ev.kind} ${ev.target} ${ev.ok ? `ok (${ev.downMs} ms)` : `FAILED ${ev.note ?? ''}`}`);
    return ev;
  }

  /** Appends an event recorded elsewhere (the reorg). */
  record(ev: Omit<FaultEvent, 'atMs'>): void {
    this.push({ ...ev, atMs: this.now() });
  }
}

/** The outcome of {@link reorgBeforeConfirmation}. */
export type ReorgResult = {
  chainId: string;
  snapshotBlock: string;
  /** Messages whose transactions were reorged out and not sent again: must never execute. */
  reorgedOut: Hex[];
  /** Messages sent after the revert (one identical to a reorged-out one, so the same id): must execute once. */
  resent: Array<{
    id: Hex;
    src: bigint;
    dst: bigint;
    kind: 'token' | 'call';
    amount?: bigint;
    token?: Address;
    recorder?: Address;
  }>;
  sameIdResent: boolean;
};

/**
 * An L2 reorg before confirmation, on a chain whose app runs with CONFIRMATIONS > 0: with the block miner held,
 * snapshot the chain, send a call and a token bridge, give the chain app a few polls (it must not take them: they
 * are not confirmed), revert to the snapshot (both transactions vanish), then send the call again identically (same
 * nonce, so the same message id) and the bridge with another amount (a new id). The first bridge must never execute.
 */
export async function reorgBeforeConfirmation(
  devnet: Devnet,
  miner: BlockMiner,
  user: DevnetUser,
  token: Address,
  recorder: Address,
  chainId: bigint,
  dstChainId: bigint,
  pollMs: number,
): Promise<ReorgResult> {
  const chain = devnet.chain(chainId);
  await miner.hold(chainId, true);
  try {
    const snapshot = await rpc<Hex>(chain.rpcUrl, 'evm_snapshot');
    const block = BigInt(await rpc<Hex>(chain.rpcUrl, 'eth_blockNumber'));
    const payload = DevnetUser.recordCall('0xc4a05c4a05');
    const call = await user.send(chainId, dstChainId, recorder, payload);
    const bridged = await user.bridge(chainId, dstChainId, token, 5n * 10n ** 18n);
    await sleep(pollMs * 4); // the chain app polls the unconfirmed head meanwhile
    const reverted = await rpc<boolean>(chain.rpcUrl, 'evm_revert', [snapshot]);
    if (!reverted) throw new Error(`evm_revert(${snapshot}) on ${chainId} returned false`);
    const call2 = await user.send(chainId, dstChainId, recorder, payload);
    const bridged2 = await user.bridge(chainId, dstChainId, token, 7n * 10n ** 18n);
    const reorgedOut = [bridged.id, ...(call2.id === call.id ? [] : [call.id])];
    return {
      chainId: chainId.toString(),
      snapshotBlock: block.toString(),
      reorgedOut,
      resent: [
        { id: call2.id, src: chainId, dst: dstChainId, kind: 'call', recorder },
        { id: bridged2.id, src: chainId, dst: dstChainId, kind: 'token', amount: 7n * 10n ** 18n, token },
      ],
      sameIdResent: call2.id === call.id,
    };
  } finally {
    await miner.hold(chainId, false);
  }
}
