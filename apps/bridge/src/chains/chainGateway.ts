import {
  bridgedTokenAbi,
  interopCenterAbi,
  interopHandlerAbi,
  interopHubAbi,
  nativeTokenVaultAbi,
} from '@interop/contracts';
import type { FeeParams, InclusionProof, InteropMessage } from '@interop/protocol';
import { Inject, Injectable } from '@nestjs/common';
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  HttpRequestError,
  TimeoutError,
  defineChain,
  encodeFunctionData,
  http,
  type Address,
  type Chain,
  type Hex,
  type PrivateKeyAccount,
  type PublicClient,
  type TransactionReceipt,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { BRIDGE_CONFIG, type BridgeChain, type BridgeConfig } from '../config/bridgeConfig';
import type { L1Depths } from '../config/checkL1Depths';
import { ChainNotConfiguredError } from '../errors/bridgeErrors';
import { signEip1559 } from './signTransaction';

/** Gas `InteropHandler` keeps for itself after a delivery (its POST_CALL_GAS). */
const POST_CALL_GAS = 50_000n;

/** `InteropHandler.MessageStatus` (matches the enum in contracts/src/InteropHandler.sol). */
export type HandlerStatus = 'NONE' | 'EXECUTED' | 'FAILED';
const HANDLER_STATUS: readonly HandlerStatus[] = ['NONE', 'EXECUTED', 'FAILED'];

/** A destination transaction signed locally: its hash is known before it is broadcast. */
export type SignedRelayTx = { hash: Hex; raw: Hex; nonce: number };

/** EIP-1559 fee caps of a relay transaction. */
export type RelayFees = { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };

/** A relay call the handler accepts. */
export type RelayCall =
  | { functionName: 'executeMessage'; args: [InteropMessage, InclusionProof] }
  | { functionName: 'executeMessages'; args: [InteropMessage[], InclusionProof[]] }
  | { functionName: 'retryMessage'; args: [InteropMessage] };

/** Why the node refused a call, in one line (the custom error name when the contract reverted with one). */
export function revertReason(e: unknown): string {
  if (e instanceof BaseError) {
    const reverted = e.walk((x) => x instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      const name = reverted.data?.errorName;
      if (name) return `${name}(${(reverted.data?.args ?? []).map((a) => String(a)).join(', ')})`;
      return reverted.reason ?? reverted.shortMessage;
    }
    return e.shortMessage;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Whether `e` is the RPC failing (HTTP error, timeout, connection), not the node's verdict on the call. */
export function isTransportError(e: unknown): boolean {
  if (!(e instanceof BaseError)) return false;
  return e.walk((x) => x instanceof HttpRequestError || x instanceof TimeoutError) !== null;
}

/**
 * All chain I/O of the bridge (viem): reads of the L2 contracts in CHAINS_JSON and of the L1 InteropHub, and the
 * relayer's signed transactions. The relayer signs locally so the transaction hash can be recorded before the
 * transaction is broadcast (crash safety).
 */
@Injectable()
export class ChainGateway {
  readonly relayer: PrivateKeyAccount;
  private readonly clients = new Map<bigint, { config: BridgeChain; client: PublicClient; chain: Chain }>();
  private readonly l1: PublicClient;

  constructor(
    @Inject(BRIDGE_CONFIG)
    private readonly config: Pick<
      BridgeConfig,
      'CHAINS_JSON' | 'L1_RPC_URL' | 'L1_HUB_ADDRESS' | 'RELAYER_PRIVATE_KEY'
    >,
  ) {
    this.relayer = privateKeyToAccount(config.RELAYER_PRIVATE_KEY);
    for (const c of config.CHAINS_JSON) {
      const chain = defineChain({
        id: Number(c.chainId),
        name: `l2-${c.chainId}`,
        nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
        rpcUrls: { default: { http: [c.rpcUrl] } },
      });
      // JSON-RPC batching: the reads a relay round makes at once (one status per message) go in one HTTP request.
      // The estimate of a transaction of many messages can take seconds on a busy node: 30 s, not viem's 10 s.
      const transport = http(c.rpcUrl, { batch: { batchSize: 1_000, wait: 0 }, timeout: 30_000 });
      const client = createPublicClient({ chain, transport, pollingInterval: 100 }) as PublicClient;
      this.clients.set(c.chainId, { config: c, client, chain });
    }
    this.l1 = createPublicClient({ transport: http(config.L1_RPC_URL) });
  }

  /** Chain ids of CHAINS_JSON. */
  chainIds(): bigint[] {
    return [...this.clients.keys()];
  }

  /** The configured chain. @throws {ChainNotConfiguredError} */
  chain(chainId: bigint): BridgeChain {
    return this.entry(chainId).config;
  }

  /** The fee parameters `InteropCenter(src)` uses for messages to `dst` (all zero when the route is not set). */
  async feeParams(src: bigint, dst: bigint): Promise<FeeParams> {
    const { config, client } = this.entry(src);
    return client.readContract({
      address: config.interopCenter,
      abi: interopCenterAbi,
      functionName: 'feeParams',
      args: [dst],
    });
  }

  /** `InteropCenter(src).feesCollected()`: every fee ever paid on `src`. */
  async feesCollected(src: bigint): Promise<bigint> {
    const { config, client } = this.entry(src);
    return client.readContract({ address: config.interopCenter, abi: interopCenterAbi, functionName: 'feesCollected' });
  }

  /** The handler's status of each message id on `dst`. */
  async handlerStatuses(dst: bigint, ids: readonly Hex[]): Promise<Map<Hex, HandlerStatus>> {
    const { config, client } = this.entry(dst);
    const statuses = await Promise.all(
      ids.map((id) =>
        client.readContract({
          address: config.interopHandler,
          abi: interopHandlerAbi,
          functionName: 'messageStatus',
          args: [id],
        }),
      ),
    );
    return new Map(ids.map((id, i) => [id, HANDLER_STATUS[statuses[i] as number] ?? 'NONE']));
  }

  /** The shared roots `dst`'s handler imported for `epochs` (zero hash: not imported), and its latest epoch. */
  async importedRoots(
    dst: bigint,
    epochs: readonly bigint[],
  ): Promise<{ roots: Map<bigint, Hex>; latestEpoch: bigint }> {
    const { config, client } = this.entry(dst);
    const distinct = [...new Set(epochs)];
    const [latestEpoch, ...roots] = await Promise.all([
      client.readContract({ address: config.interopHandler, abi: interopHandlerAbi, functionName: 'latestEpoch' }),
      ...distinct.map((epoch) =>
        client.readContract({
          address: config.interopHandler,
          abi: interopHandlerAbi,
          functionName: 'sharedRootAt',
          args: [epoch],
        }),
      ),
    ]);
    return { roots: new Map(distinct.map((e, i) => [e, roots[i] as Hex])), latestEpoch };
  }

  /** The shared root `dst`'s handler imported for `epoch` (zero hash: not imported), and its latest epoch. */
  async importedRoot(dst: bigint, epoch: bigint): Promise<{ root: Hex; latestEpoch: bigint }> {
    const { config, client } = this.entry(dst);
    const [root, latestEpoch] = await Promise.all([
      client.readContract({
        address: config.interopHandler,
        abi: interopHandlerAbi,
        functionName: 'sharedRootAt',
        args: [epoch],
      }),
      client.readContract({ address: config.interopHandler, abi: interopHandlerAbi, functionName: 'latestEpoch' }),
    ]);
    return { root, latestEpoch };
  }

  /** `InteropHub.rootAt(epoch)` on L1, or undefined when L1_HUB_ADDRESS is not configured. */
  async l1RootAt(epoch: bigint): Promise<Hex | undefined> {
    if (!this.config.L1_HUB_ADDRESS) return undefined;
    return this.l1.readContract({
      address: this.config.L1_HUB_ADDRESS,
      abi: interopHubAbi,
      functionName: 'rootAt',
      args: [epoch],
    });
  }

  /**
   * `InteropHub.CHAIN_DEPTH()` and `SHARED_DEPTH()` on L1 (immutables: the network's Poseidon tree depths), or
   * undefined when L1_HUB_ADDRESS is not configured.
   */
  async l1Depths(): Promise<L1Depths | undefined> {
    const address = this.config.L1_HUB_ADDRESS;
    if (!address) return undefined;
    const [chainDepth, sharedDepth] = await Promise.all([
      this.l1.readContract({ address, abi: interopHubAbi, functionName: 'CHAIN_DEPTH' }),
      this.l1.readContract({ address, abi: interopHubAbi, functionName: 'SHARED_DEPTH' }),
    ]);
    return { chainDepth: Number(chainDepth), sharedDepth: Number(sharedDepth) };
  }

  /** `NativeTokenVault(chain).lockedBalance(assetId)`. */
  async lockedBalance(chainId: bigint, assetId: Hex): Promise<bigint> {
    const { config, client } = this.entry(chainId);
    return client.readContract({
      address: config.nativeTokenVault,
      abi: nativeTokenVaultAbi,
      functionName: 'lockedBalance',
      args: [assetId],
    });
  }

  /** Total supply of the BridgedToken of `assetId` on `chainId` (0 when it was never deployed there). */
  async bridgedSupply(chainId: bigint, assetId: Hex): Promise<{ token: Address; supply: bigint }> {
    const { config, client } = this.entry(chainId);
    const token = await client.readContract({
      address: config.nativeTokenVault,
      abi: nativeTokenVaultAbi,
      functionName: 'bridgedTokenAddress',
      args: [assetId],
    });
    const code = await client.getCode({ address: token });
    if (!code || code === '0x') return { token, supply: 0n };
    const supply = await client.readContract({ address: token, abi: bridgedTokenAbi, functionName: 'totalSupply' });
    return { token, supply };
  }

  /**
   * The calldata of a relay call to `dst`'s handler and the gas to give it, from one execution of the call
   * (`eth_createAccessList` reports its gas; `eth_estimateGas` would execute it a dozen times in its binary search,
   * which on a shared node costs more than the transaction itself): the gas used plus a quarter (refunds are
   * deducted from it, and at most a fifth) plus the most any delivery needs left (`gasLimit * 64/63 + 50,000`, the
   * handler's check before each delivery). When that execution fails, or the node does not offer the method, the
   * node's estimate decides, so a revert comes back as the handler's named custom error (see revertReason).
   * @throws the node's error when the call would revert.
   */
  async estimateRelay(dst: bigint, call: RelayCall): Promise<{ data: Hex; gas: bigint }> {
    const { config, client } = this.entry(dst);
    const data = encodeFunctionData({ abi: interopHandlerAbi, ...call });
    const messages = call.functionName === 'executeMessages' ? call.args[0] : [call.args[0]];
    const reserve = messages.reduce((max, m) => {
      const required = (m.gasLimit * 64n) / 63n + POST_CALL_GAS;
      return required > max ? required : max;
    }, 0n);
    try {
      const { gasUsed } = await client.createAccessList({
        account: this.relayer,
        to: config.interopHandler,
        data,
      });
      return { data, gas: gasUsed + gasUsed / 4n + reserve + 20_000n };
    } catch (e) {
      if (isTransportError(e)) throw e;
    }
    const request = {
      address: config.interopHandler,
      abi: interopHandlerAbi,
      account: this.relayer,
      ...call,
    } as unknown as Parameters<PublicClient['estimateContractGas']>[0];
    const gas = await client.estimateContractGas(request);
    return { data, gas: (gas * 5n) / 4n + 20_000n };
  }

  /** Signs a relay transaction to `dst`'s handler with the relayer key and `nonce`, without sending it. */
  async signRelayTx(
    dst: bigint,
    tx: { data: Hex; gas: bigint; nonce: number; fees: RelayFees },
  ): Promise<SignedRelayTx> {
    const { config, chain } = this.entry(dst);
    const { raw, hash } = await signEip1559(this.relayer, {
      chainId: chain.id,
      type: 'eip1559',
      to: config.interopHandler,
      data: tx.data,
      nonce: tx.nonce,
      gas: tx.gas,
      maxFeePerGas: tx.fees.maxFeePerGas,
      maxPriorityFeePerGas: tx.fees.maxPriorityFeePerGas,
    });
    return { hash, raw, nonce: tx.nonce };
  }

  /** EIP-1559 fees for the next transactions to `dst` (read once per relay round). */
  async relayFees(dst: bigint): Promise<RelayFees> {
    const fees = await this.entry(dst).client.estimateFeesPerGas();
    return { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas };
  }

  /** The relayer's next nonce on `chainId` counting its pending transactions (what a NonceManager starts from). */
  async pendingNonce(chainId: bigint): Promise<number> {
    return this.entry(chainId).client.getTransactionCount({ address: this.relayer.address, blockTag: 'pending' });
  }

  /** The gas limit of `chainId`'s latest block. */
  async blockGasLimit(chainId: bigint): Promise<bigint> {
    return (await this.entry(chainId).client.getBlock({ blockTag: 'latest' })).gasLimit;
  }

  /** Broadcasts a signed transaction; a node that already has it is fine. Returns false if the node refused it. */
  async broadcast(dst: bigint, raw: Hex): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      await this.entry(dst).client.sendRawTransaction({ serializedTransaction: raw });
      return { ok: true };
    } catch (e) {
      const reason = revertReason(e);
      if (/already known|already imported/i.test(reason)) return { ok: true };
      return { ok: false, reason };
    }
  }

  /** The receipt of `hash` on `chainId`, or undefined while it is not mined. */
  async receipt(chainId: bigint, hash: Hex): Promise<TransactionReceipt | undefined> {
    try {
      return await this.entry(chainId).client.getTransactionReceipt({ hash });
    } catch (e) {
      if (e instanceof BaseError && e.name === 'TransactionReceiptNotFoundError') return undefined;
      throw e;
    }
  }

  /** Whether the node knows `hash` (mined or pending). */
  async knowsTransaction(chainId: bigint, hash: Hex): Promise<boolean> {
    try {
      await this.entry(chainId).client.getTransaction({ hash });
      return true;
    } catch (e) {
      if (e instanceof BaseError && e.name === 'TransactionNotFoundError') return false;
      throw e;
    }
  }

  /** The relayer's confirmed nonce on `chainId` (a recorded tx below it was replaced or mined). */
  async relayerNonce(chainId: bigint): Promise<number> {
    return this.entry(chainId).client.getTransactionCount({ address: this.relayer.address, blockTag: 'latest' });
  }

  private entry(chainId: bigint): { config: BridgeChain; client: PublicClient; chain: Chain } {
    const e = this.clients.get(chainId);
    if (!e) throw new ChainNotConfiguredError(chainId);
    return e;
  }
}
