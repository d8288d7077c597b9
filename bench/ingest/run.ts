// Ingestion benchmark: npx tsx bench/ingest/run.ts [--chains N] [--per-chain N] [--epochs N]
// Real Kafka (KAFKA_BROKERS, or the broker scripts/infra/kafka.sh runs), a scratch Postgres database, an L1 anvil
// with InteropHub + AggregationVerifierTest, the test circuit. Prints JSON and writes bench/results/ingest.json.
//
// 1. ingestion: N signed batch roots (signed with libsecp256k1 before the clock starts, checked once against viem)
//    are published first, then a hub (aggregator off) consumes them; the rate is the records stored between the
//    first poll (every 10 ms) that sees a stored batch and the one that sees them all, over that time: Kafka ->
//    schema -> chain/signature/sequence checks -> Postgres (batches + checkpoint, one transaction per partition
//    batch), without the consumer's start-up and group join.
// 2. epochs: a hub with the aggregator on settles a few epochs; latency = settledAt - createdAt (prove + verify +
//    submitRoot + receipt), and the end-to-end time from "K batches waiting" to settled.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';

import { interopHubAbi } from '@interop/contracts';
import { PrismaService, createKafkaClient, ensureTopics, loadConfig } from '@interop/infra';
import { createScratchDatabase } from '@interop/infra/prisma/createScratchDatabase';
import { ANVIL_PRIVATE_KEYS, startAnvil } from '@interop/infra/testing/anvil';
import { uniqueKafkaName } from '@interop/infra/testing/kafkaNames';
import {
  batchRootRecordToJson,
  interopHubDomain,
  signBatchRoot,
  TEST_K,
  type BatchRootCommitment,
} from '@interop/protocol';
import { batchRootDigester } from '@interop/protocol/eip712/batchRootDigest';
import { ensureTestCircuit } from '@interop/prover/testing/ensureTestCircuit';
import { Command } from 'commander';
import secp256k1 from 'secp256k1';
import { bytesToHex, concatHex, createWalletClient, defineChain, hexToBytes, http, toHex, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { deployTestHub, L1_CHAIN_ID } from '../../apps/hub/test/harness';
import { hubConfigSchema } from '../../apps/hub/src/config/hubConfig';
import { startHub } from '../../apps/hub/src/startHub';
import { migrate } from '../../scripts/migrate';

const ROOT = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const opts = new Command()
    .option('--chains <n>', 'chains (the test circuit has 4 slots)', '4')
    .option('--per-chain <n>', 'batch roots per chain', '2500')
    // The test instance's chain trees hold 8 batches each (chain depth 3): a few epochs, not thousands.
    .option('--epochs <n>', 'epochs to settle for the latency figure', '3')
    .parse()
    .opts<{ chains: string; perChain: string; epochs: string }>();
  const chains = Number(opts.chains);
  const perChain = Number(opts.perChain);
  const epochs = Number(opts.epochs);
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

  await ensureTestCircuit('test');
  const db = await createScratchDatabase('bench_ingest');
  const l1 = await startAnvil({ chainId: L1_CHAIN_ID });
  const prisma = new PrismaService({ databaseUrl: db.url, maxConnections: 2 });
  const kafka = createKafkaClient({ brokers, clientId: 'bench-ingest', fast: true });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  try {
    await migrate(db.url, () => undefined);
    await prisma.onModuleInit();
    const { hubAddress, publicClient } = await deployTestHub(l1.rpcUrl);
    const base = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      L1_RPC_URL: l1.rpcUrl,
      L1_CHAIN_ID: String(L1_CHAIN_ID),
      L1_HUB_ADDRESS: hubAddress,
      L1_ADMIN_PRIVATE_KEY: ANVIL_PRIVATE_KEYS[0],
      ADMIN_TOKEN: 'bench-admin-token-0123456789',
      CIRCUIT_INSTANCE: 'test',
      KAFKA_FAST: 'true',
      EPOCH_INTERVAL_MS: '200',
      TOPIC_BATCH_ROOTS: uniqueKafkaName('bench.ingest.batch-roots'),
      TOPIC_SHARED_ROOTS: uniqueKafkaName('bench.ingest.shared-roots'),
      TOPIC_DEAD_LETTER: uniqueKafkaName('bench.ingest.dlq'),
      TOPIC_PROOF_JOBS: uniqueKafkaName('bench.ingest.proof-jobs'),
      TOPIC_PROOFS: uniqueKafkaName('bench.ingest.proofs'),
    };

    // Chains registered on L1 and active in the registry, slot i (the registry API is covered by the int tests).
    const keys = Array.from({ length: chains }, (_, i) => ANVIL_PRIVATE_KEYS[(i % 9) + 1]!);
    const admin = createWalletClient({
      chain: defineChain({
        id: L1_CHAIN_ID,
        name: 'l1',
        nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
        rpcUrls: { default: { http: [l1.rpcUrl] } },
      }),
      transport: http(l1.rpcUrl),
      account: privateKeyToAccount(ANVIL_PRIVATE_KEYS[0]),
    });
    for (let i = 0; i < chains; i++) {
      const hash = await admin.writeContract({
        address: hubAddress,
        abi: interopHubAbi,
        functionName: 'registerChain',
        args: [BigInt(1000 + i), privateKeyToAccount(keys[i]!).address],
      });
      await publicClient.waitForTransactionReceipt({ hash });
      await prisma.chain.create({
        data: {
          chainId: BigInt(1000 + i),
          name: `bench-${i}`,
          operator: privateKeyToAccount(keys[i]!).address.toLowerCase(),
          slot: i,
          status: 'active',
        },
      });
    }

    // Signed records, made before the clock starts.
    const domain = interopHubDomain(BigInt(L1_CHAIN_ID), hubAddress);
    // libsecp256k1 signing (viem's JS signing takes minutes for 10k records); checked against viem once below.
    const digest = batchRootDigester(domain);
    const signFast = (key: Hex, c: BatchRootCommitment): Hex => {
      const { signature, recid } = secp256k1.ecdsaSign(digest(c), hexToBytes(key));
      return concatHex([bytesToHex(signature), recid === 0 ? '0x1b' : '0x1c']);
    };
    const messages: Array<{ key: string; value: string }> = [];
    for (let n = 0; n < perChain; n++) {
      for (let i = 0; i < chains; i++) {
        const c = {
          chainId: BigInt(1000 + i),
          batchNumber: BigInt(n),
          batchRoot: toHex(BigInt(i * 1_000_000 + n + 1), { size: 32 }),
          messageCount: 1,
          firstBlock: BigInt(n),
          lastBlock: BigInt(n),
        };
        const signature = signFast(keys[i]!, c);
        messages.push({ key: c.chainId.toString(), value: batchRootRecordToJson({ ...c, signature }) });
      }
    }
    const probe = {
      chainId: 1000n,
      batchNumber: 0n,
      batchRoot: toHex(1n, { size: 32 }),
      messageCount: 1,
      firstBlock: 0n,
      lastBlock: 0n,
    };
    if (signFast(keys[0]!, probe) !== (await signBatchRoot(keys[0]!, domain, probe))) {
      throw new Error('native signing differs from viem signBatchRoot');
    }
    await ensureTopics(brokers, [base.TOPIC_BATCH_ROOTS]);
    await producer.connect();
    for (let i = 0; i < messages.length; i += 1000) {
      await producer.send({ topic: base.TOPIC_BATCH_ROOTS, acks: -1, messages: messages.slice(i, i + 1000) });
    }

    // Phase 1: ingestion only.
    const groupId = uniqueKafkaName('bench.ingest.group');
    const ingestConfig = loadConfig(hubConfigSchema, { ...base, AGGREGATOR_ENABLED: 'false', KAFKA_GROUP_ID: groupId });
    const started = Date.now();
    const hub = await startHub(ingestConfig);
    const total = messages.length;
    // The rate is measured from the first stored batch to the last (consumer start-up and group join excluded):
    // (records stored after the first poll that saw any) / (time between that poll and the one that saw all).
    let first: { at: number; count: number } | undefined;
    let lastAt = 0;
    await poll(
      async () => {
        const count = await prisma.batch.count();
        const at = performance.now();
        if (count > 0 && !first) first = { at, count };
        lastAt = at;
        return count >= total;
      },
      600_000,
      'all batch roots ingested',
      10,
    );
    const wallMs = Date.now() - started;
    await hub.app.close();
    const measuredMs = Math.max(lastAt - first!.at, 1);
    const perSecond = Math.round(((total - first!.count) * 1000) / measuredMs);
    const rejected = await prisma.batch.count({ where: { status: { not: 'received' } } });
    if (rejected !== 0) throw new Error(`${rejected} batch roots were not received in order`);

    // Phase 2: epochs (the same records now wait as received batches; the same group finds nothing new to read).
    const epochConfig = loadConfig(hubConfigSchema, { ...base, KAFKA_GROUP_ID: groupId });
    const aggregator = await startHub(epochConfig);
    await poll(
      async () => (await prisma.epoch.count({ where: { status: 'settled' } })) >= epochs,
      600_000,
      'epochs settled',
    );
    await aggregator.app.close();
    const settled = await prisma.epoch.findMany({ where: { status: 'settled' }, orderBy: { number: 'asc' } });
    const latencies = settled.map((e) => e.settledAt!.getTime() - e.createdAt.getTime());
    const proving = settled.map((e) => e.provingMs ?? 0);
    const gas = settled.map((e) => Number(e.gasUsed!.toFixed()));
    const result = {
      when: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg1: loadavg()[0] },
      command: 'npx tsx bench/ingest/run.ts',
      ingestion: {
        records: total,
        chains,
        partitions: 3,
        ingestConcurrency: ingestConfig.INGEST_CONCURRENCY,
        maxRecordsPerTransaction: ingestConfig.INGEST_MAX_BATCH,
        rootsPerSecond: perSecond,
        measuredMs: Math.round(measuredMs),
        wallMsIncludingStartup: wallMs,
      },
      epochs: {
        circuit: 'test',
        k: TEST_K,
        settled: settled.length,
        latencyMs: { mean: mean(latencies), p50: median(latencies), max: Math.max(...latencies) },
        provingMs: { mean: mean(proving), p50: median(proving) },
        gasPerSubmitRoot: { mean: mean(gas) },
      },
    };
    const text = JSON.stringify(result, null, 2);
    process.stdout.write(text + '\n');
    writeFileSync(path.join(ROOT, 'bench', 'results', 'ingest.json'), text + '\n');
  } finally {
    await producer.disconnect().catch(() => undefined);
    await prisma.onModuleDestroy().catch(() => undefined);
    await l1.stop();
    await db.drop();
  }
}

async function poll(check: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function mean(xs: number[]): number {
  return Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/ingest failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
