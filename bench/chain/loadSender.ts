/**
 * The send side of bench/chain: many sender keys with locally managed nonces, every transaction signed in advance
 * (raw EIP-1559 `InteropCenter.sendMessage` calls), submitted as JSON-RPC batches of `eth_sendRawTransaction`, so that
 * the sender is not what limits the chain app (no per-transaction nonce, gas or fee round trip, no receipt waits).
 */
import { interopCenterAbi } from '@interop/contracts';
import { encodeFunctionData, keccak256, toHex, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';

/** One JSON-RPC call (or a batch of them) over HTTP; throws on an RPC error. */
export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const [result] = await rpcBatch<T>(url, [{ method, params }]);
  return result!;
}

/** A JSON-RPC batch: one HTTP request, results in call order; throws on the first RPC error. */
export async function rpcBatch<T = unknown>(url: string, calls: { method: string; params: unknown[] }[]): Promise<T[]> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map((c, id) => ({ jsonrpc: '2.0', id, ...c }))),
  });
  const body = (await res.json()) as { id: number; result?: T; error?: { message: string } }[];
  const byId = new Map(body.map((r) => [r.id, r]));
  return calls.map((c, id) => {
    const r = byId.get(id);
    if (!r || r.error) throw new Error(`${c.method}: ${r?.error?.message ?? 'no answer'}`);
    return r.result as T;
  });
}

export type SignedSend = { raw: Hex; hash: Hex };

/** Sender keys funded with anvil_setBalance; nonces are counted here, starting at 0 (fresh keys). */
export class LoadSender {
  private readonly accounts: PrivateKeyAccount[];
  private readonly nonces: number[];
  private next = 0;

  private constructor(
    private readonly url: string,
    private readonly chainId: number,
    private readonly center: Address,
    private readonly fee: bigint,
    private readonly gas: bigint,
    senders: number,
  ) {
    this.accounts = Array.from({ length: senders }, () => privateKeyToAccount(generatePrivateKey()));
    this.nonces = this.accounts.map(() => 0);
  }

  /** Fresh funded keys; the gas limit of a send is estimated once (x1.5). */
  static async create(p: {
    url: string;
    chainId: number;
    center: Address;
    dstChainId: bigint;
    senders: number;
  }): Promise<LoadSender> {
    const fee = BigInt(
      await rpc<Hex>(p.url, 'eth_call', [
        {
          to: p.center,
          data: encodeFunctionData({
            abi: interopCenterAbi,
            functionName: 'quoteFee',
            args: [p.dstChainId, 2n, 100_000n],
          }),
        },
        'latest',
      ]),
    );
    const probe = privateKeyToAccount(generatePrivateKey());
    await rpc(p.url, 'anvil_setBalance', [probe.address, toHex(10n ** 21n)]);
    const gas = BigInt(
      await rpc<Hex>(p.url, 'eth_estimateGas', [
        { from: probe.address, to: p.center, value: toHex(fee), data: sendData(p.dstChainId, probe.address, 0) },
      ]),
    );
    const sender = new LoadSender(p.url, p.chainId, p.center, fee, (gas * 3n) / 2n, p.senders);
    await rpcBatch(
      p.url,
      sender.accounts.map((a) => ({ method: 'anvil_setBalance', params: [a.address, toHex(10n ** 21n)] })),
    );
    return sender;
  }

  /** Signs `count` sends round-robin over the keys (payloads 2 bytes, unique per send mod 65,536). */
  async sign(count: number, dstChainId: bigint): Promise<SignedSend[]> {
    const out: SignedSend[] = [];
    for (let i = 0; i < count; i++) {
      const k = this.next++ % this.accounts.length;
      const account = this.accounts[k]!;
      const raw = await account.signTransaction({
        chainId: this.chainId,
        type: 'eip1559',
        to: this.center,
        value: this.fee,
        gas: this.gas,
        maxFeePerGas: 100n * 10n ** 9n,
        maxPriorityFeePerGas: 1n,
        nonce: this.nonces[k]!++,
        data: sendData(dstChainId, account.address, this.next),
      });
      out.push({ raw, hash: keccak256(raw) });
    }
    return out;
  }

  /**
   * Submits the signed sends in JSON-RPC batches of `perRequest`, one request after the other; `onAccepted` gets each
   * batch's hashes with the time the node accepted them. Paced to `ratePerSecond` when given (else as fast as the
   * node accepts them).
   */
  async submit(
    sends: SignedSend[],
    { perRequest = 200, ratePerSecond }: { perRequest?: number; ratePerSecond?: number | undefined } = {},
    onAccepted: (hashes: Hex[], at: number) => void = () => undefined,
  ): Promise<void> {
    const started = performance.now();
    for (let i = 0; i < sends.length; i += perRequest) {
      if (ratePerSecond) {
        const due = started + (i / ratePerSecond) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const chunk = sends.slice(i, i + perRequest);
      const hashes = await rpcBatch<Hex>(
        this.url,
        chunk.map((s) => ({ method: 'eth_sendRawTransaction', params: [s.raw] })),
      );
      onAccepted(hashes, performance.now());
    }
  }
}

function sendData(dstChainId: bigint, recipient: Address, i: number): Hex {
  return encodeFunctionData({
    abi: interopCenterAbi,
    functionName: 'sendMessage',
    args: [dstChainId, recipient, `0x${(i % 65_536).toString(16).padStart(4, '0')}`, 100_000n],
  });
}
