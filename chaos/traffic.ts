import { bridgedTokenAbi } from '@interop/contracts';
import { DevnetUser, writeAndWait, type Devnet, type SentMessage } from '@interop/devnet';
import { maxUint256, type Address, type Hex } from 'viem';

import type { Rng } from './rng';

/** One message the harness sent (what the checks compare the chains against). */
export type SentRecord = {
  id: Hex;
  src: bigint;
  dst: bigint;
  kind: 'token' | 'call';
  /** Token transfers: the origin token and amount. */
  token?: Address;
  amount?: bigint;
  /** Calls: the CallRecorder called on `dst`. */
  recorder?: Address;
  message: SentMessage['message'];
  phase: string;
  sentAt: number;
};

/** Native demo token of each user, per origin chain (the supply check follows these assets). */
export type TrafficAssets = {
  tokens: Map<bigint, { token: Address; owner: DevnetUser }>;
  recorders: Map<bigint, Address>;
};

/**
 * Sustained traffic through the real contracts: three devnet users, each in its own loop (one account = one nonce
 * sequence), sending a seeded mix of token bridges (901 -> 902 and 902 -> 901, each side its own native token) and
 * cross-chain calls to a CallRecorder, at `rate` messages per second in total. Every sent message is recorded with
 * its id for the exactly-once checks; a send that failed on the source chain is counted, not recorded.
 */
export class Traffic {
  readonly sent: SentRecord[] = [];
  readonly sendErrors: string[] = [];
  private running = false;
  private loops: Array<Promise<void>> = [];
  private paused = false;
  phase = 'traffic';

  private constructor(
    private readonly devnet: Devnet,
    readonly users: DevnetUser[],
    readonly assets: TrafficAssets,
    private readonly rng: Rng,
  ) {}

  /** Deploys the demo tokens (one per chain, minted to a user), approves the vaults once, deploys a recorder per chain. */
  static async setup(devnet: Devnet, keys: readonly Hex[], rng: Rng): Promise<Traffic> {
    const users = keys.map((k) => new DevnetUser(devnet, k));
    const tokens = new Map<bigint, { token: Address; owner: DevnetUser }>();
    for (const [i, c] of devnet.chains.entries()) {
      const owner = users[i % users.length]!;
      const token = await owner.createToken(c.chainId, `Chaos ${c.name}`, `CH${i}`, 10n ** 30n);
      await writeAndWait(
        owner.clients(c),
        { address: token, abi: bridgedTokenAbi, functionName: 'approve', args: [c.vault, maxUint256] },
        'approve vault',
      );
      tokens.set(c.chainId, { token, owner });
    }
    const recorders = new Map<bigint, Address>();
    for (const c of devnet.chains) recorders.set(c.chainId, await users[users.length - 1]!.deployRecorder(c.chainId));
    return new Traffic(devnet, users, { tokens, recorders }, rng);
  }

  /** Sends one message as `user` (a token bridge of its native token, or a call), seeded choice. */
  async sendOne(user: DevnetUser, rng: Rng = this.rng): Promise<SentRecord> {
    const chains = this.devnet.chains.map((c) => c.chainId);
    const owned = [...this.assets.tokens.entries()].find(([, t]) => t.owner.address === user.address);
    const bridgeToken = owned !== undefined && rng.chance(0.6);
    const src = bridgeToken ? owned[0] : rng.pick(chains);
    const dst = rng.pick(chains.filter((c) => c !== src));
    if (bridgeToken) {
      const amount = rng.bigint(1n, 1_000n) * 10n ** 15n;
      const sent = await user.bridge(src, dst, owned[1].token, amount);
      return this.record(sent, { kind: 'token', token: owned[1].token, amount, src, dst });
    }
    const recorder = this.assets.recorders.get(dst)!;
    const payload = DevnetUser.recordCall(rng.hex(rng.int(0, 64)));
    const sent = await user.send(src, dst, recorder, payload);
    return this.record(sent, { kind: 'call', recorder, src, dst });
  }

  private record(
    sent: SentMessage,
    what: { kind: 'token' | 'call'; src: bigint; dst: bigint; token?: Address; amount?: bigint; recorder?: Address },
  ): SentRecord {
    const r: SentRecord = { id: sent.id, message: sent.message, phase: this.phase, sentAt: Date.now(), ...what };
    this.sent.push(r);
    return r;
  }

  /** Starts the loops: `rate` messages per second over all users (each user paces itself at rate / users). */
  start(rate: number): void {
    if (this.running) return;
    this.running = true;
    const perUserMs = (1000 * this.users.length) / rate;
    this.loops = this.users.map((user, i) =>
      (async () => {
        const rng = this.rng.fork(`user-${i}`);
        while (this.running) {
          const t0 = Date.now();
          if (!this.paused) {
            try {
              await this.sendOne(user, rng);
            } catch (e) {
              this.sendErrors.push(`${user.address}: ${(e as Error).message.split('\n')[0]}`);
            }
          }
          const wait = perUserMs - (Date.now() - t0);
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
      })(),
    );
  }

  pause(paused: boolean): void {
    this.paused = paused;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }
}

/** JSON-RPC to an anvil node (evm_mine, evm_snapshot, evm_revert). */
export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/**
 * Mines an empty block on each L2 every `intervalMs`, so messages get past the chain apps' CONFIRMATIONS even when
 * no transaction follows them. `hold(chainId)` stops mining one chain (the reorg scenario needs its head still).
 */
export class BlockMiner {
  private timer: NodeJS.Timeout | undefined;
  private readonly held = new Set<bigint>();
  private busy = false;

  constructor(
    private readonly devnet: Devnet,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      void Promise.all(
        this.devnet.chains
          .filter((c) => !this.held.has(c.chainId))
          .map((c) => rpc(c.rpcUrl, 'evm_mine').catch(() => undefined)),
      ).finally(() => {
        this.busy = false;
      });
    }, this.intervalMs);
  }

  /** Stops (or resumes) mining `chainId`; resolves once no mining call of this miner is in flight. */
  async hold(chainId: bigint, held: boolean): Promise<void> {
    if (held) this.held.add(chainId);
    else this.held.delete(chainId);
    while (this.busy) await new Promise((r) => setTimeout(r, 20));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
