import {
  deployInteropHub,
  deployL2Stack,
  interopCenterAbi,
  interopHubAbi,
  nativeTokenVaultAbi,
  type DeployL2StackReturnType,
  type HubShape,
} from '@interop/contracts';
import { loadConfig } from '@interop/infra';
import { type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { NestFactory } from '@nestjs/core';
import {
  CHAIN_DEPTH,
  PRODUCTION_DEPTHS,
  SHARED_DEPTH,
  batchRootRecordSchema,
  messageRecordSchema,
  type BatchRootRecord,
  type MessageRecord,
} from '@interop/protocol';
import { createTestClient, encodeFunctionData, http, parseEventLogs, type Address, type Hex } from 'viem';

import { deployFixture, fixtureAbi } from '../../../../contracts/test/helpers/fixtures';
import type { TestChain } from '../../../../contracts/test/helpers/testChain';
import { readTopic } from '../../../../libs/infra/src/testing/kafkaReadTopic';
import { AppModule } from '../../src/app.module';
import { chainConfigSchema, type ChainConfig } from '../../src/config/chainConfig';

export const FEE_PARAMS = { baseFee: 5n, perByteFee: 1n, dstGasPrice: 1n, exchangeRateE18: 10n ** 18n };

/** Deploys the L2 stack with the network depths (SPEC "Depths": 16/20/10) and opens the route to `dstChainId`. */
export async function deployStack(chain: TestChain, dstChainId: bigint): Promise<DeployL2StackReturnType> {
  const stack = await deployL2Stack(
    { walletClient: chain.wallets[0]!, publicClient: chain.publicClient },
    PRODUCTION_DEPTHS,
  );
  const hash = await chain.wallets[0]!.writeContract({
    address: stack.center,
    abi: interopCenterAbi,
    functionName: 'setFeeParams',
    args: [dstChainId, FEE_PARAMS],
  });
  await chain.publicClient.waitForTransactionReceipt({ hash });
  return stack;
}

/**
 * Deploys the L1 InteropHub with the network depths (CHAIN_DEPTH 20, SHARED_DEPTH 10; the chain app reads
 * CHAIN_DEPTH from it at boot and signs over its EIP-712 domain) and registers `chains` (chain id -> operator).
 */
export async function deployHub(
  l1: TestChain,
  { chains = [], shapes = [] }: { chains?: [bigint, Address][]; shapes?: HubShape[] } = {},
): Promise<Address> {
  const { address } = await deployInteropHub(
    { walletClient: l1.wallets[0]!, publicClient: l1.publicClient },
    { sharedDepth: SHARED_DEPTH, chainDepth: CHAIN_DEPTH, shapes },
  );
  for (const [chainId, operator] of chains) {
    const receipt = await l1.publicClient.waitForTransactionReceipt({
      hash: await l1.wallets[0]!.writeContract({
        address,
        abi: interopHubAbi,
        functionName: 'registerChain',
        args: [chainId, operator],
      }),
    });
    if (receipt.status !== 'success') throw new Error(`registerChain(${chainId}) reverted`);
  }
  return address;
}

/** Sends a CALL message from wallet `from` and returns its message id. */
export async function sendMessage(
  chain: TestChain,
  center: Address,
  from: number,
  dstChainId: bigint,
  payload: Hex,
): Promise<Hex> {
  const fee = await chain.publicClient.readContract({
    address: center,
    abi: interopCenterAbi,
    functionName: 'quoteFee',
    args: [dstChainId, BigInt((payload.length - 2) / 2), 100_000n],
  });
  const hash = await chain.wallets[from]!.writeContract({
    address: center,
    abi: interopCenterAbi,
    functionName: 'sendMessage',
    args: [dstChainId, chain.wallets[9]!.account.address, payload, 100_000n],
    value: fee,
  });
  return messageIdsOf(chain, hash).then((ids) => ids[0]!);
}

/** Bridges `amount` of a fresh TestToken through the vault from wallet `from`; returns the TOKEN message id. */
export async function bridgeToken(
  chain: TestChain,
  stack: DeployL2StackReturnType,
  from: number,
  dstChainId: bigint,
  amount: bigint,
): Promise<Hex> {
  const wallet = chain.wallets[from]!;
  const token = await deployFixture(wallet, chain.publicClient, 'TestToken', ['Test', 'TST']);
  const abi = fixtureAbi('TestToken');
  for (const data of [
    encodeFunctionData({ abi, functionName: 'mint', args: [wallet.account.address, amount] }),
    encodeFunctionData({ abi, functionName: 'approve', args: [stack.vault, amount] }),
  ]) {
    const hash = await wallet.sendTransaction({ to: token, data });
    await chain.publicClient.waitForTransactionReceipt({ hash });
  }
  const fee = await chain.publicClient.readContract({
    address: stack.vault,
    abi: nativeTokenVaultAbi,
    functionName: 'quoteBridgeFee',
    args: [token, dstChainId],
  });
  const hash = await wallet.writeContract({
    address: stack.vault,
    abi: nativeTokenVaultAbi,
    functionName: 'bridge',
    args: [token, amount, dstChainId, chain.wallets[9]!.account.address],
    value: fee,
  });
  return messageIdsOf(chain, hash).then((ids) => ids[0]!);
}

async function messageIdsOf(chain: TestChain, hash: Hex): Promise<Hex[]> {
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`tx ${hash} reverted`);
  return parseEventLogs({ abi: interopCenterAbi, logs: receipt.logs, eventName: 'MessageSent' }).map(
    (l) => l.args.messageId.toLowerCase() as Hex,
  );
}

/** Mines `blocks` empty blocks on an anvil chain. */
export async function mine(chain: TestChain, blocks: number): Promise<void> {
  await createTestClient({ mode: 'anvil', transport: http(chain.anvil.rpcUrl) }).mine({ blocks });
}

/** anvil's evm_snapshot / evm_revert. */
export function anvilTestClient(chain: TestChain) {
  return createTestClient({ mode: 'anvil', transport: http(chain.anvil.rpcUrl) });
}

/** Parses the chain app's config from env-like values (the same path main.ts takes). */
export function chainConfig(env: Record<string, string>): ChainConfig {
  return loadConfig(chainConfigSchema, env);
}

/** Starts a chain app in-process (no HTTP listener; supertest talks to `app.getHttpServer()`). */
export async function startChainApp(config: ChainConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: ['error', 'warn'], abortOnError: false });
  await app.init();
  return app;
}

/** Polls `probe` until it returns a value other than undefined, or fails at the deadline with `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Reads a topic from the beginning until `until` holds, parsed as message records. */
export async function readMessageRecords(
  brokers: string,
  topic: string,
  until: (records: MessageRecord[]) => boolean,
): Promise<{ raw: string[]; records: MessageRecord[] }> {
  const parse = (v: Buffer | null) => messageRecordSchema.parse(JSON.parse(v!.toString())) as MessageRecord;
  const read = await readTopic({ brokers, topic, until: (rs) => until(rs.map((r) => parse(r.value))) });
  return { raw: read.map((r) => r.value!.toString()), records: read.map((r) => parse(r.value)) };
}

/** Reads a topic from the beginning until `until` holds, parsed as batch-root records. */
export async function readRootRecords(
  brokers: string,
  topic: string,
  until: (records: BatchRootRecord[]) => boolean,
): Promise<{ raw: string[]; records: BatchRootRecord[] }> {
  const parse = (v: Buffer | null) => batchRootRecordSchema.parse(JSON.parse(v!.toString())) as BatchRootRecord;
  const read = await readTopic({ brokers, topic, until: (rs) => until(rs.map((r) => parse(r.value))) });
  return { raw: read.map((r) => r.value!.toString()), records: read.map((r) => parse(r.value)) };
}

/** GET `path` on an in-process app (its /health and /metrics). */
export async function httpGet(
  app: INestApplication,
  path: string,
): Promise<{ status: number; text: string; body: unknown }> {
  const res = await request(app.getHttpServer() as Parameters<typeof request>[0]).get(path);
  return { status: res.status, text: res.text, body: res.body as unknown };
}
