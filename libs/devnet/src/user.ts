import { bridgedTokenAbi, interopCenterAbi, nativeTokenVaultAbi } from '@interop/contracts';
import type { InteropMessage } from '@interop/protocol';
import { encodeFunctionData, parseEventLogs, zeroAddress, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { clientsFor, demoArtifact, deployDemo, writeAndWait } from './contracts';
import type { Devnet, DevnetChain } from './devnet';
import { httpJson, PollAbort, pollUntil } from './http';

export type SentMessage = { id: Hex; message: InteropMessage; txHash: Hex; srcChainId: bigint };

/** The JSON of the bridge's `GET /messages/:id` (the fields devnet users read). */
export type MessageView = {
  id: string;
  status: string;
  lastError: string | null;
  dstTxHash: string | null;
  timeline: Array<{ status: string; at: string }>;
  inclusionProof: unknown;
};

/**
 * A user of the devnet with one of anvil's funded keys: bridges tokens and sends cross-chain calls through the real
 * contracts, then follows the messages through the bridge API.
 */
export class DevnetUser {
  readonly address: Address;

  constructor(
    private readonly devnet: Devnet,
    readonly key: Hex,
  ) {
    this.address = privateKeyToAccount(key).address;
  }

  clients(chain: DevnetChain) {
    return clientsFor(chain.chainId, chain.rpcUrl, this.key);
  }

  /** Deploys a demo ERC-20 (`TestToken`) on `chainId` and mints `amount` to this user. */
  async createToken(chainId: bigint, name: string, symbol: string, amount: bigint): Promise<Address> {
    const chain = this.devnet.chain(chainId);
    const clients = this.clients(chain);
    const token = await deployDemo(clients, 'TestToken', [name, symbol]);
    await writeAndWait(
      clients,
      { address: token, abi: demoArtifact('TestToken').abi, functionName: 'mint', args: [this.address, amount] },
      `mint ${symbol}`,
    );
    return token;
  }

  /** Deploys a `CallRecorder` on `chainId` (a contract a cross-chain call can target). */
  async deployRecorder(chainId: bigint): Promise<Address> {
    const chain = this.devnet.chain(chainId);
    return deployDemo(this.clients(chain), 'CallRecorder', [chain.handler]);
  }

  /**
   * Bridges `amount` of `token` from `src` to `recipient` on `dst`: approves the vault when `token` is a native
   * ERC-20 of `src` (a bridged token is burned by the vault without allowance), pays the quoted fee.
   */
  async bridge(src: bigint, dst: bigint, token: Address, amount: bigint, recipient: Address = this.address) {
    const chain = this.devnet.chain(src);
    const clients = this.clients(chain);
    const allowance = await clients.publicClient
      .readContract({
        address: token,
        abi: bridgedTokenAbi,
        functionName: 'allowance',
        args: [this.address, chain.vault],
      })
      .catch(() => 0n);
    if (allowance < amount) {
      await writeAndWait(
        clients,
        { address: token, abi: bridgedTokenAbi, functionName: 'approve', args: [chain.vault, amount] },
        'approve',
      );
    }
    const fee = await clients.publicClient.readContract({
      address: chain.vault,
      abi: nativeTokenVaultAbi,
      functionName: 'quoteBridgeFee',
      args: [token, dst],
    });
    const hash = await writeAndWait(
      clients,
      {
        address: chain.vault,
        abi: nativeTokenVaultAbi,
        functionName: 'bridge',
        args: [token, amount, dst, recipient],
        value: fee,
      },
      `bridge ${amount} from ${src} to ${dst}`,
    );
    return this.sent(chain, hash);
  }

  /** Sends a cross-chain call of `target` on `dst` with calldata `payload`, paying the quoted fee. */
  async send(src: bigint, dst: bigint, target: Address, payload: Hex, gasLimit = 200_000n): Promise<SentMessage> {
    const chain = this.devnet.chain(src);
    const clients = this.clients(chain);
    const fee = await clients.publicClient.readContract({
      address: chain.center,
      abi: interopCenterAbi,
      functionName: 'quoteFee',
      args: [dst, BigInt((payload.length - 2) / 2), gasLimit],
    });
    const hash = await writeAndWait(
      clients,
      {
        address: chain.center,
        abi: interopCenterAbi,
        functionName: 'sendMessage',
        args: [dst, target, payload, gasLimit],
        value: fee,
      },
      `sendMessage ${src} -> ${dst}`,
    );
    return this.sent(chain, hash);
  }

  /** `record(data)` calldata of the demo CallRecorder. */
  static recordCall(data: Hex): Hex {
    return encodeFunctionData({ abi: demoArtifact('CallRecorder').abi, functionName: 'record', args: [data] });
  }

  /** ERC-20 balance of `owner` (default: this user) on `chainId`. */
  async balanceOf(chainId: bigint, token: Address, owner: Address = this.address): Promise<bigint> {
    const chain = this.devnet.chain(chainId);
    return this.clients(chain).publicClient.readContract({
      address: token,
      abi: bridgedTokenAbi,
      functionName: 'balanceOf',
      args: [owner],
    });
  }

  /** The token the vault of `chainId` mints for `assetId` (zero address before the first transfer arrived). */
  async bridgedToken(chainId: bigint, assetId: Hex): Promise<Address> {
    const chain = this.devnet.chain(chainId);
    const address = await this.clients(chain).publicClient.readContract({
      address: chain.vault,
      abi: nativeTokenVaultAbi,
      functionName: 'bridgedTokenAddress',
      args: [assetId],
    });
    if (address === zeroAddress) throw new Error(`no bridged token for ${assetId} on ${chainId}`);
    return address;
  }

  private async sent(chain: DevnetChain, hash: Hex): Promise<SentMessage> {
    const receipt = await this.clients(chain).publicClient.getTransactionReceipt({ hash });
    const logs = parseEventLogs({ abi: interopCenterAbi, logs: receipt.logs, eventName: 'MessageSent' });
    const log = logs[0];
    if (!log) throw new Error(`transaction ${hash} sent no interop message`);
    return { id: log.args.messageId, message: { ...log.args.message }, txHash: hash, srcChainId: chain.chainId };
  }
}

/**
 * Polls the bridge's `GET /messages/:id` until the message reaches `status` (default executed); `failed` or another
 * final status than the one awaited throws at once. `onChange` sees every new status (the demo prints it).
 */
export async function waitForMessage(
  bridgeUrl: string,
  id: Hex,
  options: { status?: string; timeoutMs?: number; onChange?: (view: MessageView) => void } = {},
): Promise<MessageView> {
  const want = options.status ?? 'executed';
  let last = '';
  return pollUntil(
    `message ${id} ${want}`,
    async () => {
      const res = await httpJson('GET', `${bridgeUrl}/messages/${id}`);
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw new Error(`GET /messages/${id}: ${res.status} ${JSON.stringify(res.body)}`);
      const view = res.body as MessageView;
      if (view.status !== last) {
        last = view.status;
        options.onChange?.(view);
      }
      if (view.status === want) return view;
      if (view.status === 'failed') throw new PollAbort(`message ${id} failed: ${view.lastError ?? '?'}`);
      return undefined;
    },
    options.timeoutMs ?? 60_000,
  );
}
