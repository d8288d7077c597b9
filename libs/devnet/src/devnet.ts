import { mkdirSync } from 'node:fs';

import { ensureTopics, TOPICS } from '@interop/infra';
import { createScratchDatabase, type ScratchDatabase } from '@interop/infra/prisma/createScratchDatabase';
import { ANVIL_PRIVATE_KEYS, freePort, startAnvil, type AnvilInstance } from '@interop/infra/testing/anvil';
import { uniqueKafkaName } from '@interop/infra/testing/kafkaNames';
import { ensureCircuits } from '@interop/prover/testing/ensureCircuits';
import { interopHubDomain, signChainRegistration } from '@interop/protocol';
import type { Address, Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { migrate } from '@interop/migrate';
import { AppProcess, type AppMode } from './appProcess';
import { deployL1, deployL2 } from './contracts';
import { httpJson } from './http';

/** Fixed roles of anvil's well-known accounts on the devnet (never use these keys anywhere else). */
export const DEVNET_KEYS = {
  deployer: ANVIL_PRIVATE_KEYS[0],
  operators: [ANVIL_PRIVATE_KEYS[1], ANVIL_PRIVATE_KEYS[2]],
  relayer: ANVIL_PRIVATE_KEYS[3],
  /** Users of the demo, tests and the chaos harness. */
  users: [ANVIL_PRIVATE_KEYS[4], ANVIL_PRIVATE_KEYS[5], ANVIL_PRIVATE_KEYS[6]],
  /** A second, independent relayer (its own bridge and database) for race tests. */
  secondRelayer: ANVIL_PRIVATE_KEYS[7],
} as const;

export const L1_CHAIN_ID = 900;
const L2_CHAINS = [
  { chainId: 901n, name: 'alpha' },
  { chainId: 902n, name: 'beta' },
] as const;

export type DevnetChain = {
  chainId: bigint;
  name: string;
  rpcUrl: string;
  /** The chain app's HTTP base URL. */
  appUrl: string;
  center: Address;
  handler: Address;
  vault: Address;
  operatorKey: Hex;
  operator: Address;
  startBlock: bigint;
};

export type DevnetTopics = {
  batchRoots: string;
  messages: string;
  sharedRoots: string;
  proofJobs: string;
  proofs: string;
  deadLetter: string;
};

export type StartDevnetOptions = {
  kafkaBrokers: string;
  /** Where each app's log goes (`<logDir>/<app>.log`). */
  logDir: string;
  /**
   * Database: `{ url }` uses (and migrates) that database as is; `{ scratch: prefix }` (default) creates a uniquely
   * named one on the server of POSTGRES_ADMIN_URL / DATABASE_URL / 127.0.0.1:5432 and drops it on stop.
   */
  database?: { url: string } | { scratch: string };
  /** Fixed ports (the devnet command); omitted = free ports (tests). */
  ports?: { l1: number; l2: [number, number]; hub: number; bridge: number; chainApps: [number, number] };
  /** Topic names: `default` uses the project's topics (interop.*), omitted = unique names (tests). */
  topics?: 'default';
  mode?: AppMode;
  /** `kafka`: the hub hands proof jobs to `proverWorkers` prover processes over Kafka. */
  proverMode?: 'in-process' | 'kafka';
  proverWorkers?: number;
  /**
   * Block gas limit of the L2 nodes (anvil's default: 30M). The load benchmark raises it, then switches the nodes to
   * interval mining (`evm_setIntervalMining`) once the contracts are deployed, so blocks hold many transactions.
   */
  l2GasLimit?: bigint;
  /** Extra environment per app kind, e.g. `{ chain: { BATCH_INTERVAL_MS: '500' } }`. */
  appEnv?: Partial<Record<'hub' | 'chain' | 'bridge' | 'prover', Record<string, string>>>;
  adminToken?: string;
  /** Progress lines (deploying, starting, healthy...). */
  log?: (line: string) => void;
};

/** A whole interop network on this machine: anvil L1 + two L2s, contracts, the apps as processes, chains registered. */
export type Devnet = {
  kafkaBrokers: string;
  databaseUrl: string;
  topics: DevnetTopics;
  adminToken: string;
  hubUrl: string;
  bridgeUrl: string;
  /** L1: the InteropHub and the verifier of each epoch shape (by circuits/shapes name). */
  l1: { chainId: number; rpcUrl: string; hub: Address; verifiers: Record<string, Address> };
  chains: DevnetChain[];
  chain: (chainId: bigint | number) => DevnetChain;
  /** Every app process by name: hub, chain-901, chain-902, bridge, prover-1... */
  apps: Map<string, AppProcess>;
  app: (name: string) => AppProcess;
  /** The environment of each app kind (what a second bridge or a restarted app needs). */
  env: { hub: Record<string, string>; bridge: Record<string, string>; chains: Record<string, Record<string, string>> };
  /** Starts another bridge (own name, port, database, relayer key): an independent relayer racing the first. */
  spawnBridge: (name: string, env: Record<string, string>) => Promise<AppProcess>;
  /** Every process this devnet started (anvil nodes and apps), for a stale-process cleanup after a kill -9. */
  processes: () => Array<{ name: string; pid: number }>;
  /** KEY=value lines for the CLI and operators (`.devnet/env`). */
  envFile: () => string;
  stop: () => Promise<void>;
};

export async function startDevnet(options: StartDevnetOptions): Promise<Devnet> {
  const log = options.log ?? (() => undefined);
  const mode = options.mode ?? 'tsx';
  const adminToken = options.adminToken ?? 'devnet-admin-token-change-me';
  mkdirSync(options.logDir, { recursive: true });
  const cleanups: Array<() => Promise<void>> = [];
  const apps = new Map<string, AppProcess>();
  const stop = async () => {
    for (const app of [...apps.values()].reverse()) await app.stop().catch(() => undefined);
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    log('circuits of every epoch shape (built once per machine, cached in the ZK cache)');
    await ensureCircuits();

    const anvils: AnvilInstance[] = [];
    const l1 = await startAnvil({ chainId: L1_CHAIN_ID, ...(options.ports ? { port: options.ports.l1 } : {}) });
    anvils.push(l1);
    cleanups.push(() => l1.stop());
    for (const [i, c] of L2_CHAINS.entries()) {
      const port = options.ports?.l2[i];
      const node = await startAnvil({
        chainId: Number(c.chainId),
        ...(port ? { port } : {}),
        ...(options.l2GasLimit ? { gasLimit: options.l2GasLimit } : {}),
      });
      anvils.push(node);
      cleanups.push(() => node.stop());
    }
    log(
      `anvil: L1 ${L1_CHAIN_ID} ${l1.rpcUrl}, ${L2_CHAINS.map((c, i) => `L2 ${c.chainId} ${anvils[i + 1]!.rpcUrl}`).join(', ')}`,
    );

    let databaseUrl: string;
    const db = options.database ?? { scratch: 'devnet' };
    if ('url' in db) {
      databaseUrl = db.url;
    } else {
      const scratch: ScratchDatabase = await createScratchDatabase(db.scratch);
      cleanups.push(() => scratch.drop());
      databaseUrl = scratch.url;
    }
    await migrate(databaseUrl);
    log(`Postgres: ${new URL(databaseUrl).pathname.slice(1)} migrated`);

    // A run id names this devnet's topics and consumer groups (`topics: 'default'`: the project's own names).
    const runId = options.topics === 'default' ? undefined : uniqueKafkaName('devnet').slice('devnet.'.length);
    const topics: DevnetTopics = runId
      ? {
          batchRoots: `devnet.${runId}.batch-roots`,
          messages: `devnet.${runId}.messages`,
          sharedRoots: `devnet.${runId}.shared-roots`,
          proofJobs: `devnet.${runId}.proof-jobs`,
          proofs: `devnet.${runId}.proofs`,
          deadLetter: `devnet.${runId}.dead-letter`,
        }
      : { ...TOPICS };
    await ensureTopics(
      options.kafkaBrokers.split(','),
      Object.values(topics).map((topic) => ({ topic, numPartitions: topic === topics.sharedRoots ? 1 : 3 })),
    );
    const groupSuffix = runId ? `-${runId}` : '';

    const l1Contracts = await deployL1(l1.rpcUrl, L1_CHAIN_ID, DEVNET_KEYS.deployer);
    log(`L1: InteropHub ${l1Contracts.hub}`);
    const chains: DevnetChain[] = [];
    for (const [i, c] of L2_CHAINS.entries()) {
      const operatorKey = DEVNET_KEYS.operators[i]!;
      const operator = privateKeyToAccount(operatorKey).address;
      const rpcUrl = anvils[i + 1]!.rpcUrl;
      const d = await deployL2(
        rpcUrl,
        c.chainId,
        DEVNET_KEYS.deployer,
        operator,
        L2_CHAINS.map((x) => x.chainId),
      );
      const appPort = options.ports?.chainApps[i] ?? (await freePort());
      chains.push({
        chainId: c.chainId,
        name: c.name,
        rpcUrl,
        appUrl: `http://127.0.0.1:${appPort}`,
        operatorKey,
        operator,
        ...d,
      });
      log(`L2 ${c.chainId}: center ${d.center}, handler ${d.handler}, vault ${d.vault}`);
    }

    const common = {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: options.kafkaBrokers,
      KAFKA_FAST: 'true',
      L1_RPC_URL: l1.rpcUrl,
      L1_CHAIN_ID: String(L1_CHAIN_ID),
      L1_HUB_ADDRESS: l1Contracts.hub,
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    };
    const hubPort = options.ports?.hub ?? (await freePort());
    const bridgePort = options.ports?.bridge ?? (await freePort());
    const proverMode = options.proverMode ?? 'in-process';
    const hubEnv: Record<string, string> = {
      ...common,
      PORT: String(hubPort),
      L1_ADMIN_PRIVATE_KEY: DEVNET_KEYS.deployer,
      ADMIN_TOKEN: adminToken,
      PROVER_MODE: proverMode,
      // Kafka mode: as many epochs in flight as there are prover workers.
      ...(proverMode === 'kafka' ? { PROVER_WORKERS: String(options.proverWorkers ?? 1) } : {}),
      KAFKA_GROUP_ID: `interop-hub${groupSuffix}`,
      TOPIC_BATCH_ROOTS: topics.batchRoots,
      TOPIC_SHARED_ROOTS: topics.sharedRoots,
      TOPIC_DEAD_LETTER: topics.deadLetter,
      TOPIC_PROOF_JOBS: topics.proofJobs,
      TOPIC_PROOFS: topics.proofs,
      ...options.appEnv?.hub,
    };
    const chainsJson = JSON.stringify(
      chains.map((c) => ({
        chainId: c.chainId.toString(),
        rpcUrl: c.rpcUrl,
        interopCenter: c.center,
        interopHandler: c.handler,
        nativeTokenVault: c.vault,
      })),
    );
    const bridgeEnv: Record<string, string> = {
      ...common,
      PORT: String(bridgePort),
      ADMIN_TOKEN: adminToken,
      CHAINS_JSON: chainsJson,
      RELAYER_PRIVATE_KEY: DEVNET_KEYS.relayer,
      HUB_URL: `http://127.0.0.1:${hubPort}`,
      KAFKA_GROUP_ID: `bridge${groupSuffix}`,
      TOPIC_MESSAGES: topics.messages,
      TOPIC_SHARED_ROOTS: topics.sharedRoots,
      TOPIC_DEAD_LETTER: topics.deadLetter,
      RELAY_INTERVAL_MS: '250',
      ...options.appEnv?.bridge,
    };
    const chainEnvs: Record<string, Record<string, string>> = {};
    for (const [i, c] of chains.entries()) {
      chainEnvs[c.chainId.toString()] = {
        ...common,
        CHAIN_ID: c.chainId.toString(),
        CHAIN_INDEX: String(i),
        PORT: new URL(c.appUrl).port,
        L2_RPC_URL: c.rpcUrl,
        INTEROP_CENTER_ADDRESS: c.center,
        INTEROP_HANDLER_ADDRESS: c.handler,
        OPERATOR_PRIVATE_KEY: c.operatorKey,
        START_BLOCK: c.startBlock.toString(),
        CONFIRMATIONS: '0',
        BATCH_INTERVAL_MS: '1000',
        // At most a batch a second (the chain app seals a batch per new block, and automine makes a block per send).
        BATCH_MIN_INTERVAL_MS: '1000',
        POLL_INTERVAL_MS: '250',
        KAFKA_TOPIC_BATCH_ROOTS: topics.batchRoots,
        KAFKA_TOPIC_MESSAGES: topics.messages,
        ...options.appEnv?.chain,
      };
    }

    const add = (name: string, app: string, env: Record<string, string>, port?: number): AppProcess => {
      const p = new AppProcess(
        { name, app, env, ...(port ? { healthUrl: `http://127.0.0.1:${port}/health` } : {}) },
        { mode, logDir: options.logDir },
      );
      apps.set(name, p);
      p.start();
      return p;
    };
    add('hub', 'hub', hubEnv, hubPort);
    for (const c of chains)
      add(`chain-${c.chainId}`, 'chain', chainEnvs[c.chainId.toString()]!, Number(new URL(c.appUrl).port));
    add('bridge', 'bridge', bridgeEnv, bridgePort);
    if (proverMode === 'kafka') {
      for (let i = 1; i <= (options.proverWorkers ?? 1); i++) {
        add(`prover-${i}`, 'prover', {
          KAFKA_BROKERS: options.kafkaBrokers,
          PROVER_GROUP_ID: `interop-prover${groupSuffix}`,
          PROVER_ID: `prover-${i}`,
          PROVER_JOBS_TOPIC: topics.proofJobs,
          PROVER_PROOFS_TOPIC: topics.proofs,
          PROVER_DEAD_LETTER_TOPIC: topics.deadLetter,
          ...options.appEnv?.prover,
        });
      }
    }
    log(`apps: starting ${[...apps.keys()].join(', ')} (${mode})`);
    await Promise.all([...apps.values()].map((a) => a.waitHealthy()));
    log('apps: every /health is 200');

    const hubUrl = `http://127.0.0.1:${hubPort}`;
    await registerChains(hubUrl, adminToken, l1Contracts.hub, chains, log);

    const devnet: Devnet = {
      kafkaBrokers: options.kafkaBrokers,
      databaseUrl,
      topics,
      adminToken,
      hubUrl,
      bridgeUrl: `http://127.0.0.1:${bridgePort}`,
      l1: { chainId: L1_CHAIN_ID, rpcUrl: l1.rpcUrl, hub: l1Contracts.hub, verifiers: l1Contracts.verifiers },
      chains,
      chain: (id) => {
        const c = chains.find((x) => x.chainId === BigInt(id));
        if (!c) throw new Error(`no devnet chain ${id}`);
        return c;
      },
      apps,
      app: (name) => {
        const a = apps.get(name);
        if (!a) throw new Error(`no devnet app ${name} (have ${[...apps.keys()].join(', ')})`);
        return a;
      },
      env: { hub: hubEnv, bridge: bridgeEnv, chains: chainEnvs },
      spawnBridge: async (name, env) => {
        const port = Number(env.PORT ?? (await freePort()));
        const p = add(name, 'bridge', { ...bridgeEnv, ...env, PORT: String(port) }, port);
        await p.waitHealthy();
        return p;
      },
      processes: () =>
        [
          ...anvils.map((a) => ({ name: `anvil-${a.chainId}`, pid: a.process.pid ?? 0 })),
          ...[...apps.values()].map((a) => ({ name: a.name, pid: a.pid ?? 0 })),
        ].filter((p) => p.pid > 0),
      envFile: () =>
        [
          `HUB_URL=${hubUrl}`,
          `BRIDGE_URL=http://127.0.0.1:${bridgePort}`,
          `ADMIN_TOKEN=${adminToken}`,
          `L1_RPC_URL=${l1.rpcUrl}`,
          `L1_CHAIN_ID=${L1_CHAIN_ID}`,
          `L1_HUB_ADDRESS=${l1Contracts.hub}`,
          `KAFKA_BROKERS=${options.kafkaBrokers}`,
          `DATABASE_URL=${databaseUrl}`,
          `CHAINS_JSON='${chainsJson}'`,
          ...chains.flatMap((c) => [
            `CHAIN_${c.chainId}_RPC_URL=${c.rpcUrl}`,
            `CHAIN_${c.chainId}_APP_URL=${c.appUrl}`,
            `CHAIN_${c.chainId}_INTEROP_CENTER_ADDRESS=${c.center}`,
            `CHAIN_${c.chainId}_INTEROP_HANDLER_ADDRESS=${c.handler}`,
            `CHAIN_${c.chainId}_NATIVE_TOKEN_VAULT_ADDRESS=${c.vault}`,
          ]),
        ].join('\n') + '\n',
      stop,
    };
    return devnet;
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Registers each chain through the hub API (operator-signed EIP-712) and approves it as admin (-> L1). */
export async function registerChains(
  hubUrl: string,
  adminToken: string,
  l1Hub: Address,
  chains: DevnetChain[],
  log: (line: string) => void,
): Promise<void> {
  const domain = interopHubDomain(BigInt(L1_CHAIN_ID), l1Hub);
  for (const c of chains) {
    const signature = await signChainRegistration(c.operatorKey, domain, {
      chainId: c.chainId,
      name: c.name,
      operator: c.operator,
    });
    const created = await httpJson('POST', `${hubUrl}/chains`, {
      chainId: c.chainId.toString(),
      name: c.name,
      operator: c.operator,
      signature,
    });
    if (created.status !== 201) throw new Error(`register chain ${c.chainId}: ${JSON.stringify(created.body)}`);
    const approved = await httpJson('POST', `${hubUrl}/chains/${c.chainId}/approve`, undefined, adminToken);
    if (approved.status !== 200) throw new Error(`approve chain ${c.chainId}: ${JSON.stringify(approved.body)}`);
    const slot = (approved.body as { slot?: number }).slot;
    log(
      `chain ${c.chainId} (${c.name}) registered and approved${slot !== undefined ? `, shared-tree slot ${slot}` : ''}`,
    );
  }
}
