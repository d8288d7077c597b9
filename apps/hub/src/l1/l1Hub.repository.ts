import { interopHubAbi, type SubmitRootArgs as SubmitRootArgsType } from '@interop/contracts';
import { Inject, Injectable } from '@nestjs/common';
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  parseEventLogs,
  type Address,
  type Hash,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { HUB_CONFIG, type HubConfig } from '../config/hubConfig';

/** A chain as the L1 InteropHub records it (`getChain`). */
export type L1Chain = {
  registered: boolean;
  paused: boolean;
  operator: Address;
  slot: number;
  nextBatchNumber: bigint;
};

/** Arguments of `InteropHub.submitRoot`, as libs/contracts `submitRootArgs` builds them. */
export type SubmitRootArgs = SubmitRootArgsType;

/** A shape registered and active on L1 (`getShape`). */
export type L1Shape = { shapeId: number; groups: number; groupSize: number; verifier: Address };

/** The network's tree depths, immutables of the InteropHub. */
export type L1Depths = { chainDepth: number; sharedDepth: number };

/** Where an epoch's `RootSubmitted` event is on L1. */
export type RootSubmittedLog = { txHash: Hash; blockNumber: bigint };

/**
 * All of the hub's L1 I/O (viem): the InteropHub registry (admin key) and `submitRoot` (submitter key). Sending and
 * waiting are separate calls so that services can record a transaction hash before waiting for its receipt.
 */
@Injectable()
export class L1HubRepository {
  readonly address: Address;
  private readonly publicClient: PublicClient;
  private readonly admin;
  private readonly submitter;

  constructor(@Inject(HUB_CONFIG) config: HubConfig) {
    const chain = defineChain({
      id: Number(config.L1_CHAIN_ID),
      name: `l1-${config.L1_CHAIN_ID}`,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [config.L1_RPC_URL] } },
    });
    const transport = http(config.L1_RPC_URL);
    this.address = config.L1_HUB_ADDRESS;
    this.publicClient = createPublicClient({ chain, transport, pollingInterval: 100 });
    this.admin = createWalletClient({ chain, transport, account: privateKeyToAccount(config.L1_ADMIN_PRIVATE_KEY) });
    this.submitter = createWalletClient({
      chain,
      transport,
      account: privateKeyToAccount(config.L1_SUBMITTER_PRIVATE_KEY),
    });
  }

  async getChain(chainId: bigint): Promise<L1Chain> {
    const c = await this.publicClient.readContract({
      address: this.address,
      abi: interopHubAbi,
      functionName: 'getChain',
      args: [chainId],
    });
    return {
      registered: c.registered,
      paused: c.paused,
      operator: c.operator,
      slot: Number(c.slot),
      nextBatchNumber: c.nextBatchNumber,
    };
  }

  /** The settled epoch count (`epoch()`). */
  async epoch(): Promise<bigint> {
    return this.publicClient.readContract({ address: this.address, abi: interopHubAbi, functionName: 'epoch' });
  }

  /** The root settled at `epoch` (zero bytes for an epoch not reached). */
  async rootAt(epoch: bigint): Promise<Hex> {
    return this.publicClient.readContract({
      address: this.address,
      abi: interopHubAbi,
      functionName: 'rootAt',
      args: [epoch],
    });
  }

  sendRegisterChain(chainId: bigint, operator: Address): Promise<Hash> {
    return this.admin.writeContract({
      address: this.address,
      abi: interopHubAbi,
      functionName: 'registerChain',
      args: [chainId, operator],
    });
  }

  sendPauseChain(chainId: bigint): Promise<Hash> {
    return this.admin.writeContract({
      address: this.address,
      abi: interopHubAbi,
      functionName: 'pauseChain',
      args: [chainId],
    });
  }

  sendResumeChain(chainId: bigint): Promise<Hash> {
    return this.admin.writeContract({
      address: this.address,
      abi: interopHubAbi,
      functionName: 'resumeChain',
      args: [chainId],
    });
  }

  /** Sends `submitRoot` (gas estimation first: a revert surfaces as a viem error naming the custom error). */
  sendSubmitRoot(args: SubmitRootArgs): Promise<Hash> {
    return this.submitter.writeContract({
      address: this.address,
      abi: interopHubAbi,
      functionName: 'submitRoot',
      args,
    });
  }

  /** `CHAIN_DEPTH` and `SHARED_DEPTH` of the InteropHub. */
  async depths(): Promise<L1Depths> {
    const [chainDepth, sharedDepth] = await Promise.all([
      this.publicClient.readContract({ address: this.address, abi: interopHubAbi, functionName: 'CHAIN_DEPTH' }),
      this.publicClient.readContract({ address: this.address, abi: interopHubAbi, functionName: 'SHARED_DEPTH' }),
    ]);
    return { chainDepth: Number(chainDepth), sharedDepth: Number(sharedDepth) };
  }

  /** The shapes active on L1, with their verifiers. */
  async activeShapes(): Promise<L1Shape[]> {
    const ids = await this.publicClient.readContract({
      address: this.address,
      abi: interopHubAbi,
      functionName: 'activeShapeIds',
    });
    return Promise.all(
      ids.map(async (id) => {
        const s = await this.publicClient.readContract({
          address: this.address,
          abi: interopHubAbi,
          functionName: 'getShape',
          args: [id],
        });
        return { shapeId: Number(id), groups: Number(s.groups), groupSize: Number(s.groupSize), verifier: s.verifier };
      }),
    );
  }

  waitForReceipt(hash: Hash): Promise<TransactionReceipt> {
    return this.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 100, timeout: 120_000 });
  }

  /** The receipt of `hash`, or undefined when the node does not know it (yet). */
  async findReceipt(hash: Hash): Promise<TransactionReceipt | undefined> {
    try {
      return await this.publicClient.getTransactionReceipt({ hash });
    } catch {
      return undefined;
    }
  }

  /** The `RootSubmitted` event of `epoch`, if L1 has one (found by its indexed epoch). */
  async findRootSubmitted(epoch: bigint): Promise<RootSubmittedLog | undefined> {
    const logs = await this.publicClient.getContractEvents({
      address: this.address,
      abi: interopHubAbi,
      eventName: 'RootSubmitted',
      args: { epoch },
      fromBlock: 0n,
    });
    const log = logs[0];
    if (!log?.transactionHash || log.blockNumber === null) return undefined;
    return { txHash: log.transactionHash, blockNumber: log.blockNumber };
  }

  /** Decodes the `ChainRegistered` slot from a registration receipt. */
  registeredSlot(receipt: TransactionReceipt): number | undefined {
    const [log] = parseEventLogs({ abi: interopHubAbi, eventName: 'ChainRegistered', logs: receipt.logs });
    return log ? Number(log.args.slot) : undefined;
  }
}
