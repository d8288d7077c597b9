import { randomBytes } from 'node:crypto';

import { deployAggregationVerifier, deployInteropHub } from '@interop/contracts';
import { loadConfig, type BootstrapHttpAppReturnType } from '@interop/infra';
import { createScratchDatabase, type ScratchDatabase } from '@interop/infra/prisma/createScratchDatabase';
import { ANVIL_PRIVATE_KEYS, startAnvil, type AnvilInstance } from '@interop/infra/testing/anvil';
import { requireKafkaBrokers } from '@interop/infra/testing/kafkaBrokers';
import { uniqueKafkaName } from '@interop/infra/testing/kafkaNames';
import {
  batchLeaf,
  fieldToBytes32,
  IncrementalPoseidonTree,
  interopHubDomain,
  PRODUCTION_DEPTHS,
  signBatchRoot,
  signChainRegistration,
  type BatchRootCommitment,
} from '@interop/protocol';
import { loadShapes } from '@interop/prover';
import { ensureCircuits } from '@interop/prover/testing/ensureCircuits';
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Address,
  type Hex,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { migrate } from '../../../scripts/migrate';
import { hubConfigSchema, type HubConfig } from '../src/config/hubConfig';
import { startHub } from '../src/startHub';

/** A 0x string as viem's Hex (template literals type as plain string). */
function hex(s: string): Hex {
  return s as Hex;
}

export const L1_CHAIN_ID = 900;
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** Everything a hub int test runs against: a scratch database, an L1 anvil with the InteropHub, unique topics. */
export type HubTestEnv = {
  db: ScratchDatabase;
  l1: AnvilInstance;
  hubAddress: Address;
  publicClient: PublicClient;
  config: HubConfig;
  brokers: string;
  close: () => Promise<void>;
};

/**
 * Deploys InteropHub at the production depths with the verifier of every epoch shape (circuits/shapes) registered,
 * on an L1 node with anvil key 0.
 */
export async function deployTestHub(rpcUrl: string): Promise<{ hubAddress: Address; publicClient: PublicClient }> {
  const chain = defineChain({
    id: L1_CHAIN_ID,
    name: 'l1',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 100 }) as PublicClient;
  const walletClient = createWalletClient({
    chain,
    transport: http(rpcUrl),
    account: privateKeyToAccount(ANVIL_PRIVATE_KEYS[0]),
  });
  const clients = { walletClient, publicClient };
  const shapes = [];
  for (const s of loadShapes()) {
    const { address: verifier } = await deployAggregationVerifier(clients, s.name);
    shapes.push({ groups: s.groups, groupSize: s.groupSize, verifier });
  }
  const { address } = await deployInteropHub(clients, {
    sharedDepth: PRODUCTION_DEPTHS.sharedDepth,
    chainDepth: PRODUCTION_DEPTHS.chainDepth,
    shapes,
  });
  return { hubAddress: address, publicClient };
}

/** Starts the real parts of a hub test and returns a config with unique topics and group id. */
export async function createHubTestEnv(prefix: string, overrides: Record<string, string> = {}): Promise<HubTestEnv> {
  const brokers = requireKafkaBrokers();
  await ensureCircuits();
  const db = await createScratchDatabase(`it_hub_${prefix}`);
  await migrate(db.url, () => undefined);
  const l1 = await startAnvil({ chainId: L1_CHAIN_ID });
  const { hubAddress, publicClient } = await deployTestHub(l1.rpcUrl);
  const config = loadConfig(hubConfigSchema, {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: brokers,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    L1_RPC_URL: l1.rpcUrl,
    L1_CHAIN_ID: String(L1_CHAIN_ID),
    L1_HUB_ADDRESS: hubAddress,
    L1_ADMIN_PRIVATE_KEY: ANVIL_PRIVATE_KEYS[0],
    ADMIN_TOKEN,

    KAFKA_GROUP_ID: uniqueKafkaName(`test.hub.${prefix}.group`),
    KAFKA_FAST: 'true',
    TOPIC_BATCH_ROOTS: uniqueKafkaName(`test.hub.${prefix}.batch-roots`),
    TOPIC_SHARED_ROOTS: uniqueKafkaName(`test.hub.${prefix}.shared-roots`),
    TOPIC_DEAD_LETTER: uniqueKafkaName(`test.hub.${prefix}.dlq`),
    TOPIC_PROOF_JOBS: uniqueKafkaName(`test.hub.${prefix}.proof-jobs`),
    TOPIC_PROOFS: uniqueKafkaName(`test.hub.${prefix}.proofs`),
    AGGREGATOR_LOCK_KEY: String(BigInt(hex(`0x${randomBytes(6).toString('hex')}`))),
    ...overrides,
  });
  return {
    db,
    l1,
    hubAddress,
    publicClient,
    config,
    brokers,
    close: async () => {
      await l1.stop();
      await db.drop();
    },
  };
}

/** Starts a hub app on the env's config. */
export function startTestHub(env: HubTestEnv, overrides: Partial<HubConfig> = {}): Promise<BootstrapHttpAppReturnType> {
  return startHub({ ...env.config, ...overrides });
}

/** The body of `POST /chains` signed by `key`. */
export async function registrationBody(
  env: Pick<HubTestEnv, 'hubAddress'>,
  chainId: bigint,
  name: string,
  key: Hex,
  operator: Address = privateKeyToAccount(key).address,
): Promise<Record<string, string>> {
  const signature = await signChainRegistration(key, interopHubDomain(BigInt(L1_CHAIN_ID), env.hubAddress), {
    chainId,
    name,
    operator,
  });
  return { chainId: chainId.toString(), name, operator, signature };
}

/** A signed batch-root record value (JSON text). */
export async function signedBatchRoot(
  env: Pick<HubTestEnv, 'hubAddress'>,
  key: Hex,
  commitment: BatchRootCommitment,
): Promise<string> {
  const signature = await signBatchRoot(key, interopHubDomain(BigInt(L1_CHAIN_ID), env.hubAddress), commitment);
  return JSON.stringify({
    v: 2,
    chainId: commitment.chainId.toString(),
    batchNumber: commitment.batchNumber.toString(),
    batchRoot: commitment.batchRoot,
    chainRoot: commitment.chainRoot,
    messageCount: commitment.messageCount,
    firstBlock: commitment.firstBlock.toString(),
    lastBlock: commitment.lastBlock.toString(),
    signature,
  });
}

/** The batch root of (chainId, batchNumber, salt): salt 0 is the chain's honest history. */
function batchRootOf(chainId: bigint, batchNumber: bigint, salt: number): Hex {
  return hex(`0x${(chainId * 1_000_000n + batchNumber * 10n + BigInt(salt)).toString(16).padStart(64, '0')}`);
}

/** Per chain, the honest chain tree grown so far (batch i has salt 0), so chain roots cost one append per batch. */
const honestTrees = new Map<bigint, IncrementalPoseidonTree>();

/** The chain root after `batchNumber` when batches 0..n-1 are honest and batch n has `salt`. */
function chainRootAfter(chainId: bigint, batchNumber: bigint, salt: number): Hex {
  let tree = honestTrees.get(chainId);
  if (!tree || tree.size > Number(batchNumber)) tree = new IncrementalPoseidonTree(PRODUCTION_DEPTHS.chainDepth);
  while (tree.size < Number(batchNumber)) {
    const n = BigInt(tree.size);
    tree.append(batchLeaf(batchRootOf(chainId, n, 0), n));
  }
  honestTrees.set(chainId, tree);
  const next = tree.clone();
  next.append(batchLeaf(batchRootOf(chainId, batchNumber, salt), batchNumber));
  return fieldToBytes32(next.root);
}

/**
 * A batch commitment with a root derived from (chainId, batchNumber, salt) and the chain root its operator signs
 * after it (the chain's earlier batches being the honest ones, salt 0).
 */
export function batch(chainId: bigint, batchNumber: bigint, salt = 0): BatchRootCommitment {
  return {
    chainId,
    batchNumber,
    batchRoot: batchRootOf(chainId, batchNumber, salt),
    chainRoot: chainRootAfter(chainId, batchNumber, salt),
    messageCount: 1,
    firstBlock: batchNumber * 10n,
    lastBlock: batchNumber * 10n + 5n,
  };
}

/**
 * Polls `probe` until it returns a value other than undefined, or fails at the deadline with `what`. The default
 * deadline allows for real production-shape proofs on a loaded 2-core machine (an l32 proof takes ~10 s idle and
 * over a minute at load 15-20); a poll returns as soon as the condition holds.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A parsed JSON body (tests read arbitrary shapes). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** JSON over fetch. */
export async function http_(
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}
