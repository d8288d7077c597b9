import { interopCenterAbi } from '@interop/contracts';
import { DevnetUser, DEVNET_KEYS, type Devnet } from '@interop/devnet';
import { encodeFunctionData, keccak256, toHex, type Address, type Hex } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';

/** One direction of load: calls from `src` to `target` on `dst`, through `src`'s InteropCenter. */
export type Route = {
  src: bigint;
  dst: bigint;
  rpcUrl: string;
  center: Address;
  target: Address;
  /** `record(...)` calldata of the target. */
  payload: Hex;
  gasLimit: bigint;
};

/** A transaction this generator broadcast, by hash (keccak of the signed bytes, known before it is sent). */
export type SentTx = { hash: Hex; src: bigint; sentAt: number; sender: Address; nonce: number };

type Sender = { account: PrivateKeyAccount; nonce: number };

type RpcReply = { id: number; result?: unknown; error?: { code: number; message: string } };

/**
 * JSON-RPC to one node with a batch of calls in one HTTP request (viem's transport sends one request per call and
 * awaits each; at hundreds of transactions per second the request overhead would dominate the generator's CPU).
 */
export async function rpcBatch(url: string, calls: Array<{ method: string; params: unknown[] }>): Promise<RpcReply[]> {
  if (calls.length === 0) return [];
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map((c, id) => ({ jsonrpc: '2.0', id, ...c }))),
  });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as RpcReply[] | RpcReply;
  const replies = Array.isArray(body) ? body : [body];
  return replies.sort((a, b) => a.id - b.id);
}

export async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const [reply] = await rpcBatch(url, [{ method, params }]);
  if (!reply || reply.error) throw new Error(`${method} on ${url}: ${reply?.error?.message ?? 'no reply'}`);
  return reply.result as T;
}

/**
 * Many sender keys on one route, each with a locally managed nonce: `send(n)` signs `n` `sendMessage`
 * transactions (round robin over the keys, so each block holds several transactions per key at most) and broadcasts
 * them in one JSON-RPC batch. The keys are derived from a seed and funded with `anvil_setBalance` (the devnet's
 * nodes are anvil), so no funding transactions compete with the load.
 */
export class RouteSender {
  private readonly senders: Sender[] = [];
  private next = 0;
  private data: Hex = '0x';
  private fee = 0n;
  private gas = 0n;
  private gasPrice = 0n;
  private chainId = 0;
  readonly errors: string[] = [];
  errorCount = 0;

  constructor(
    readonly route: Route,
    private readonly keys: number,
    private readonly seed: string,
  ) {}

  /** Derives and funds the keys, reads the quoted fee, estimates the gas of one send once. */
  async prepare(): Promise<void> {
    const { route } = this;
    for (let i = 0; i < this.keys; i++) {
      const key = keccak256(toHex(`${this.seed}/${route.src}/${i}`));
      this.senders.push({ account: privateKeyToAccount(key), nonce: 0 });
    }
    await rpcBatch(
      route.rpcUrl,
      this.senders.map((s) => ({ method: 'anvil_setBalance', params: [s.account.address, toHex(10n ** 24n)] })),
    );
    const quote = encodeFunctionData({
      abi: interopCenterAbi,
      functionName: 'quoteFee',
      args: [route.dst, BigInt((route.payload.length - 2) / 2), route.gasLimit],
    });
    this.fee = BigInt(await rpc<Hex>(route.rpcUrl, 'eth_call', [{ to: route.center, data: quote }, 'latest']));
    this.data = encodeFunctionData({
      abi: interopCenterAbi,
      functionName: 'sendMessage',
      args: [route.dst, route.target, route.payload, route.gasLimit],
    });
    const first = this.senders[0]!.account.address;
    const estimate = BigInt(
      await rpc<Hex>(route.rpcUrl, 'eth_estimateGas', [
        { from: first, to: route.center, data: this.data, value: toHex(this.fee) },
      ]),
    );
    // The first message of a sender writes its nonce slot (cold): the estimate of a fresh key covers every later one.
    this.gas = (estimate * 5n) / 4n;
    // The devnet's base fee falls to ~0 on idle anvil blocks and rises under load: pay well above it.
    const price = BigInt(await rpc<Hex>(route.rpcUrl, 'eth_gasPrice'));
    this.gasPrice = price * 4n + 1_000_000_000n;
    this.chainId = Number(await rpc<Hex>(route.rpcUrl, 'eth_chainId'));
  }

  /** The fee each message pays (InteropCenter.quoteFee), in the source chain's wei. */
  get feePerMessage(): bigint {
    return this.fee;
  }

  /** Signs and broadcasts `n` sends; returns the transactions the node accepted. */
  async send(n: number): Promise<SentTx[]> {
    const txs: SentTx[] = [];
    const raws: Hex[] = [];
    for (let i = 0; i < n; i++) {
      const s = this.senders[this.next]!;
      this.next = (this.next + 1) % this.senders.length;
      const raw = await s.account.signTransaction({
        chainId: this.chainId,
        type: 'eip1559',
        to: this.route.center,
        data: this.data,
        value: this.fee,
        nonce: s.nonce,
        gas: this.gas,
        maxFeePerGas: this.gasPrice,
        maxPriorityFeePerGas: 1n,
      });
      raws.push(raw);
      txs.push({ hash: keccak256(raw), src: this.route.src, sentAt: 0, sender: s.account.address, nonce: s.nonce });
      s.nonce++;
    }
    const replies = await rpcBatch(
      this.route.rpcUrl,
      raws.map((raw) => ({ method: 'eth_sendRawTransaction', params: [raw] })),
    );
    const at = Date.now();
    const accepted: SentTx[] = [];
    const resync = new Set<Sender>();
    replies.forEach((r, i) => {
      const tx = txs[i]!;
      if (r.error) {
        this.errorCount++;
        if (this.errors.length < 5) this.errors.push(`${tx.sender} nonce ${tx.nonce}: ${r.error.message}`);
        resync.add(this.senders.find((x) => x.account.address === tx.sender)!);
        return;
      }
      accepted.push({ ...tx, sentAt: at });
    });
    // A refused transaction did not use its nonce: take the key's next nonce from the node again.
    const keys = [...resync];
    const counts = await rpcBatch(
      this.route.rpcUrl,
      keys.map((s) => ({ method: 'eth_getTransactionCount', params: [s.account.address, 'pending'] })),
    );
    keys.forEach((s, i) => {
      const n = counts[i]?.result;
      if (typeof n === 'string') s.nonce = Number(n);
    });
    return accepted;
  }
}

/**
 * CALL messages both ways between the devnet's two L2s (a CallRecorder deployed on each as the target), `keys`
 * funded sender keys per direction, ready to send.
 */
export async function bothDirections(devnet: Devnet, keys: number, seed: string): Promise<RouteSender[]> {
  const [a, b] = [devnet.chains[0]!, devnet.chains[1]!];
  const deployer = new DevnetUser(devnet, DEVNET_KEYS.users[0]);
  const recorderA = await deployer.deployRecorder(a.chainId);
  const recorderB = await deployer.deployRecorder(b.chainId);
  const payload = DevnetUser.recordCall('0x01');
  const route = (from: typeof a, to: typeof a, target: Address): Route => ({
    src: from.chainId,
    dst: to.chainId,
    rpcUrl: from.rpcUrl,
    center: from.center,
    target,
    payload,
    gasLimit: 100_000n,
  });
  const routes = [
    new RouteSender(route(a, b, recorderB), keys, seed),
    new RouteSender(route(b, a, recorderA), keys, seed),
  ];
  await Promise.all(routes.map((r) => r.prepare()));
  return routes;
}

/**
 * Sends at `rate` messages/s over all routes (split evenly) for `ms`, ticking every `tickMs`; what the nodes
 * accepted lands in `sent` by transaction hash (lower case).
 */
export async function sendSteadily(
  routes: RouteSender[],
  rate: number,
  ms: number,
  sent: Map<string, SentTx>,
  tickMs = 100,
): Promise<void> {
  const from = Date.now();
  let done = 0;
  while (Date.now() - from < ms) {
    const tick = Date.now();
    const n = Math.floor(((tick - from) / 1000) * rate) - done;
    if (n > 0) {
      const per = routes.map((_, i) => Math.floor(n / routes.length) + (i < n % routes.length ? 1 : 0));
      const accepted = await Promise.all(routes.map((r, i) => r.send(per[i]!)));
      for (const tx of accepted.flat()) sent.set(tx.hash.toLowerCase(), tx);
      done += n;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, tickMs - (Date.now() - tick))));
  }
}
