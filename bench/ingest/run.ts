// Ingestion and epoch benchmark (protocol v2):
//   npx tsx bench/ingest/run.ts [--chains N] [--per-chain N] [--backlog-per-chain N] [--trickle-rounds N]
// Real Kafka (KAFKA_BROKERS, or the broker scripts/infra/kafka.sh runs), scratch Postgres databases, one L1 anvil,
// InteropHub at the production depths (20/10) with the verifier of every epoch shape (circuits/shapes) registered,
// as the hub int tests deploy it (apps/hub/test/harness.ts), and the production circuits (ensureCircuits, cached per
// machine). Prints JSON and writes bench/results/ingest.json.
//
// Every batch commitment carries its honest chain root (the chain's Poseidon tree at depth 20 after that batch, one
// append per batch) and is signed with libsecp256k1, all before any clock starts (checked once against viem).
//
// 1. ingestion (own database and InteropHub): N signed batch roots are published first, then a hub (aggregator
//    off) consumes them; the rate is the records stored between the first poll (every 10 ms) that sees a stored
//    batch and the one that sees them all, over that time: Kafka -> schema -> chain/signature/sequence checks ->
//    Postgres (batches + checkpoint, one transaction per partition batch), without the consumer's start-up and
//    group join.
// 2. epochs (another database and InteropHub, so the ingestion backlog does not decide the shapes):
//    a. backlog: chains x backlog-per-chain batches stored by an ingest-only hub, then a hub with the aggregator on
//       drains them (a backlog beyond every shape: l32 epochs);
//    b. trickle: rounds of one batch of one chain, then one batch each of two chains, each round published once the
//       previous one settled (what waits fits a small shape: s2, s4).
//    Per shape: epochs, updates, latency = settledAt - createdAt (prove + verify + submitRoot + receipt), proving
//    time, gas per submitRoot and per batch root. Shapes are the hub's choice (EPOCH_MIN_INTERVAL_MS = 0,
//    EPOCH_PIPELINE_DEPTH = 2, one in-process prover worker); the figures report what it chose.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';

import { interopHubAbi } from '@interop/contracts';
import { PrismaService, createKafkaClient, ensureTopics, loadConfig } from '@interop/infra';
import { createScratchDatabase, type ScratchDatabase } from '@interop/infra/prisma/createScratchDatabase';
import { ANVIL_PRIVATE_KEYS, startAnvil, type AnvilInstance } from '@interop/infra/testing/anvil';
import { uniqueKafkaName } from '@interop/infra/testing/kafkaNames';
import {
  batchLeaf,
  batchRootRecordToJson,
  fieldToBytes32,
  IncrementalPoseidonTree,
  interopHubDomain,
  PRODUCTION_DEPTHS,
  signBatchRoot,
  type BatchRootCommitment,
} from '@interop/protocol';
import { batchRootDigester } from '@interop/protocol/eip712/batchRootDigest';
import { loadShapes } from '@interop/prover';
import { ensureCircuits } from '@interop/prover/testing/ensureCircuits';
import { Command } from 'commander';
import secp256k1 from 'secp256k1';
import {
  bytesToHex,
  concatHex,
  createWalletClient,
  defineChain,
  hexToBytes,
  http,
  toHex,
  type Address,
  type Hex,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { hubConfigSchema } from '../../apps/hub/src/config/hubConfig';
import { startHub } from '../../apps/hub/src/startHub';
import { deployTestHub, L1_CHAIN_ID } from '../../apps/hub/test/harness';
import { migrate } from '../../scripts/migrate';

const ROOT = path.resolve(__dirname, '..', '..');
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const EPOCH_MIN_INTERVAL_MS = 0;
const EPOCH_PIPELINE_DEPTH = 2;

/** A scratch database and an InteropHub on the shared anvil, with chains registered on L1 and in the registry. */
type World = {
  db: ScratchDatabase;
  prisma: PrismaService;
  hubAddress: Address;
  sign: (key: Hex, c: BatchRootCommitment) => Hex;
  base: Record<string, string>;
  close: () => Promise<void>;
};

type Chain = { chainId: bigint; key: Hex };

function log(line: string): void {
  process.stderr.write(`[bench ingest] ${line}\n`);
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--chains <n>', 'chains (anvil keys 1..9 sign, cycled)', '4')
    .option('--per-chain <n>', 'batch roots per chain in the ingestion phase', '2500')
    .option(
      '--backlog-per-chain <n>',
      'batches per chain waiting when the aggregator starts (16 fill an l32 group)',
      '64',
    )
    .option('--trickle-rounds <n>', 'rounds of 1 batch of 1 chain / 1 batch each of 2 chains', '8')
    .parse()
    .opts<{ chains: string; perChain: string; backlogPerChain: string; trickleRounds: string }>();
  const chainCount = Number(opts.chains);
  const perChain = Number(opts.perChain);
  const backlogPerChain = Number(opts.backlogPerChain);
  const trickleRounds = Number(opts.trickleRounds);
  if (![chainCount, perChain, backlogPerChain, trickleRounds].every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error('--chains, --per-chain, --backlog-per-chain and --trickle-rounds must be positive integers');
  }
  if (chainCount < 2) throw new Error('--chains must be at least 2 (the trickle has rounds of two chains)');

  const load = startLoadSampler();
  await ensureCircuits();
  const shapes = loadShapes();
  const shapeName = new Map(shapes.map((s) => [s.groups * 65536 + s.groupSize, s.name] as const));

  const l1 = await startAnvil({ chainId: L1_CHAIN_ID });
  const kafka = createKafkaClient({ brokers: BROKERS, clientId: 'bench-ingest', fast: true });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const cleanups: Array<() => Promise<void>> = [];
  try {
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const keyOf = (i: number): Hex => ANVIL_PRIVATE_KEYS[(i % 9) + 1]!;

    // Phase 1: ingestion.
    const ingestChains = Array.from({ length: chainCount }, (_, i) => ({ chainId: BigInt(1000 + i), key: keyOf(i) }));
    const ingestWorld = await createWorld('ingest', l1, ingestChains);
    cleanups.push(ingestWorld.close);
    const histories = precomputeHistories(ingestChains, perChain, 'ingestion');
    const messages: Array<{ key: string; value: string }> = [];
    for (let n = 0; n < perChain; n++) {
      for (const [i, c] of ingestChains.entries()) messages.push(record(ingestWorld, c, histories[i]![n]!));
    }
    await checkNativeSigning(ingestWorld, ingestChains[0]!, histories[0]![0]!);
    await publish(producer, ingestWorld.base.TOPIC_BATCH_ROOTS!, messages);

    const ingestGroup = uniqueKafkaName('bench.ingest.group');
    const ingestConfig = loadConfig(hubConfigSchema, {
      ...ingestWorld.base,
      AGGREGATOR_ENABLED: 'false',
      KAFKA_GROUP_ID: ingestGroup,
    });
    const started = Date.now();
    const hub = await startHub(ingestConfig);
    const total = messages.length;
    // The rate is measured from the first stored batch to the last (consumer start-up and group join excluded):
    // (records stored after the first poll that saw any) / (time between that poll and the one that saw all).
    let first: { at: number; count: number } | undefined;
    let lastAt = 0;
    const ingestLoad0 = loadavg()[0]!;
    await poll(
      async () => {
        const count = await ingestWorld.prisma.batch.count();
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
    const ingestLoad1 = loadavg()[0]!;
    await hub.app.close();
    const measuredMs = Math.max(lastAt - first!.at, 1);
    // No rate when the first poll already saw every record (too few records to measure).
    const perSecond = first!.count < total ? Math.round(((total - first!.count) * 1000) / measuredMs) : null;
    const notReceived = await ingestWorld.prisma.batch.count({ where: { status: { not: 'received' } } });
    if (notReceived !== 0) throw new Error(`${notReceived} batch roots were not received in order`);
    log(`ingestion: ${total} records, ${perSecond ?? '(not measured)'}/s over ${Math.round(measuredMs)} ms`);
    await ingestWorld.close();
    cleanups.pop();

    // Phase 2: epochs, in a world of their own.
    const epochChains = Array.from({ length: chainCount }, (_, i) => ({ chainId: BigInt(2000 + i), key: keyOf(i) }));
    const world = await createWorld('epochs', l1, epochChains);
    cleanups.push(world.close);
    // Trickle rounds alternate one chain and two chains, cycling over the chains.
    const rounds = Array.from({ length: trickleRounds }, (_, r) =>
      r % 2 === 0 ? [r % chainCount] : [r % chainCount, (r + 1) % chainCount],
    );
    const trickleOf = epochChains.map((_, i) => rounds.filter((cs) => cs.includes(i)).length);
    const epochHistories = precomputeHistories(
      epochChains.map((c, i) => ({ ...c, count: backlogPerChain + trickleOf[i]! })),
      undefined,
      'epochs',
    );
    const backlogMessages: Array<{ key: string; value: string }> = [];
    for (let n = 0; n < backlogPerChain; n++) {
      for (const [i, c] of epochChains.entries()) backlogMessages.push(record(world, c, epochHistories[i]![n]!));
    }
    const next = epochChains.map(() => backlogPerChain);
    const roundMessages = rounds.map((cs) =>
      cs.map((i) => ({
        chain: i,
        batchNumber: BigInt(next[i]!),
        ...record(world, epochChains[i]!, epochHistories[i]![next[i]!++]!),
      })),
    );

    // 2a. The backlog waits as received batches before the aggregator starts.
    const group = uniqueKafkaName('bench.ingest.epochs.group');
    const epochBase = {
      ...world.base,
      KAFKA_GROUP_ID: group,
      EPOCH_MIN_INTERVAL_MS: String(EPOCH_MIN_INTERVAL_MS),
      EPOCH_PIPELINE_DEPTH: String(EPOCH_PIPELINE_DEPTH),
    };
    await publish(producer, world.base.TOPIC_BATCH_ROOTS!, backlogMessages);
    const backlogIngest = await startHub(loadConfig(hubConfigSchema, { ...epochBase, AGGREGATOR_ENABLED: 'false' }));
    await poll(
      async () => (await world.prisma.batch.count({ where: { status: 'received' } })) >= backlogMessages.length,
      300_000,
      'the backlog ingested',
    );
    await backlogIngest.app.close();

    const backlogStart = Date.now();
    const backlogLoad0 = loadavg()[0]!;
    const aggregator = await startHub(loadConfig(hubConfigSchema, epochBase));
    const allSettled = async (): Promise<boolean> =>
      (await world.prisma.batch.count({ where: { epoch: null } })) === 0 &&
      (await world.prisma.epoch.count({ where: { status: { not: 'settled' } } })) === 0;
    try {
      await poll(allSettled, 3_600_000, 'the backlog settled', 250, async () => {
        const settled = await world.prisma.epoch.count({ where: { status: 'settled' } });
        log(`backlog: ${settled} epoch(s) settled`);
      });
    } catch (e) {
      await aggregator.app.close();
      throw e;
    }
    const backlogEpochs = await world.prisma.epoch.findMany({ orderBy: { number: 'asc' } });
    const backlogEnd = Math.max(...backlogEpochs.map((e) => e.settledAt!.getTime()));
    const backlogLoad1 = loadavg()[0]!;
    const lastBacklogEpoch = backlogEpochs.at(-1)!.number;
    log(
      `backlog: ${backlogMessages.length} batches in ${backlogEpochs.length} epochs, ${backlogEnd - backlogStart} ms`,
    );

    // 2b. Trickle: each round is published once everything before it settled.
    const trickle: Array<{ batches: string[]; shapes: string[]; publishToSettledMs: number }> = [];
    const trickleLoad0 = loadavg()[0]!;
    try {
      for (const [r, msgs] of roundMessages.entries()) {
        const publishedAt = Date.now();
        await publish(producer, world.base.TOPIC_BATCH_ROOTS!, msgs);
        // Settled = the round's batches are stored and aggregated (their epochs settled: status set with the epoch's).
        const where = {
          OR: msgs.map((m) => ({ chainId: epochChains[m.chain]!.chainId, batchNumber: m.batchNumber })),
          status: 'aggregated' as const,
        };
        await poll(
          async () => (await world.prisma.batch.count({ where })) === msgs.length,
          600_000,
          `trickle round ${r} settled`,
        );
        const rows = await world.prisma.batch.findMany({ where });
        const epochs = await world.prisma.epoch.findMany({
          where: { number: { in: [...new Set(rows.map((b) => b.epoch!))] } },
          orderBy: { number: 'asc' },
        });
        trickle.push({
          batches: msgs.map((m) => `${epochChains[m.chain]!.chainId}#${m.batchNumber}`),
          shapes: epochs.map((e) => shapeName.get(e.shapeId) ?? String(e.shapeId)),
          publishToSettledMs: Math.max(...epochs.map((e) => e.settledAt!.getTime())) - publishedAt,
        });
        log(`trickle round ${r}: ${trickle.at(-1)!.batches.join(', ')} -> ${trickle.at(-1)!.shapes.join(', ')}`);
      }
    } finally {
      await aggregator.app.close();
    }
    const trickleLoad1 = loadavg()[0]!;

    const settled = await world.prisma.epoch.findMany({ where: { status: 'settled' }, orderBy: { number: 'asc' } });
    const epochRows = settled.map((e) => ({
      number: e.number,
      phase: e.number <= lastBacklogEpoch ? ('backlog' as const) : ('trickle' as const),
      shape: shapeName.get(e.shapeId) ?? String(e.shapeId),
      updates: (e.updates as unknown[]).length,
      latencyMs: e.settledAt!.getTime() - e.createdAt.getTime(),
      provingMs: e.provingMs ?? 0,
      gas: gasOf(e.number, e.gasUsed),
    }));
    const byShape: Record<string, ShapeFigures> = {};
    for (const s of shapes) {
      const rows = epochRows.filter((e) => e.shape === s.name);
      if (rows.length > 0) byShape[s.name] = shapeFigures(s, rows);
    }
    const phaseSummary = (phase: 'backlog' | 'trickle') => {
      const rows = epochRows.filter((e) => e.phase === phase);
      const count: Record<string, number> = {};
      for (const e of rows) count[e.shape] = (count[e.shape] ?? 0) + 1;
      return { epochs: rows.length, updates: rows.reduce((a, e) => a + e.updates, 0), epochsByShape: count };
    };
    const backlogBatches = backlogMessages.length;
    const backlogMs = backlogEnd - backlogStart;
    const samples = load.stop();

    const result = {
      when: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model,
        node: process.version,
        loadavg1m: {
          // Sampled every 5 s from before the circuits were checked to the end; other jobs share the machine.
          duringRun: {
            min: round2(Math.min(...samples)),
            mean: round2(meanOf(samples)),
            max: round2(Math.max(...samples)),
          },
          ingestion: { start: round2(ingestLoad0), end: round2(ingestLoad1) },
          backlog: { start: round2(backlogLoad0), end: round2(backlogLoad1) },
          trickle: { start: round2(trickleLoad0), end: round2(trickleLoad1) },
          end: round2(loadavg()[0]!),
        },
      },
      command: 'npx tsx bench/ingest/run.ts',
      ingestion: {
        records: total,
        chains: chainCount,
        partitions: 3,
        chainDepth: PRODUCTION_DEPTHS.chainDepth,
        ingestConcurrency: ingestConfig.INGEST_CONCURRENCY,
        maxRecordsPerTransaction: ingestConfig.INGEST_MAX_BATCH,
        rootsPerSecond: perSecond,
        measuredMs: Math.round(measuredMs),
        wallMsIncludingStartup: wallMs,
      },
      epochs: {
        depths: { chainDepth: PRODUCTION_DEPTHS.chainDepth, sharedDepth: PRODUCTION_DEPTHS.sharedDepth },
        shapesOnL1: shapes.map((s) => `${s.name} (${s.groups}x${s.groupSize})`),
        hub: {
          epochMinIntervalMs: EPOCH_MIN_INTERVAL_MS,
          epochPipelineDepth: EPOCH_PIPELINE_DEPTH,
          prover: 'in-process, 1 worker',
        },
        backlog: {
          chains: chainCount,
          batches: backlogBatches,
          ...phaseSummary('backlog'),
          drainMs: backlogMs,
          batchesPerSecond: Math.round((backlogBatches * 100_000) / backlogMs) / 100,
        },
        trickle: {
          rounds: trickle.length,
          ...phaseSummary('trickle'),
          publishToSettledMs: stats(trickle.map((t) => t.publishToSettledMs)),
          perRound: trickle,
        },
        byShape,
      },
    };
    const text = JSON.stringify(result, null, 2);
    process.stdout.write(text + '\n');
    writeFileSync(path.join(ROOT, 'bench', 'results', 'ingest.json'), text + '\n');
  } finally {
    load.stop();
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await l1.stop();
  }
}

/** Per shape: epochs, updates, latency, proving time and gas (gas summed as bigint). */
type ShapeFigures = ReturnType<typeof shapeFigures>;

function shapeFigures(
  shape: { groups: number; groupSize: number },
  rows: ReadonlyArray<{ updates: number; latencyMs: number; provingMs: number; gas: bigint; phase: string }>,
) {
  const updates = rows.reduce((a, e) => a + e.updates, 0);
  const gasTotal = rows.reduce((a, e) => a + e.gas, 0n);
  const gas = rows.map((e) => e.gas).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    groups: shape.groups,
    groupSize: shape.groupSize,
    epochs: rows.length,
    epochsByPhase: {
      backlog: rows.filter((e) => e.phase === 'backlog').length,
      trickle: rows.filter((e) => e.phase === 'trickle').length,
    },
    updates,
    updatesPerEpoch: Math.round((updates * 100) / rows.length) / 100,
    latencyMs: stats(rows.map((e) => e.latencyMs)),
    provingMs: stats(rows.map((e) => e.provingMs)),
    gasPerSubmitRoot: {
      mean: gasNumber(gasTotal / BigInt(rows.length)),
      min: gasNumber(gas[0]!),
      max: gasNumber(gas.at(-1)!),
    },
    gasPerBatchRoot: gasNumber(gasTotal / BigInt(updates)),
  };
}

/** A scratch database, an InteropHub (production depths, every shape) and the chains on L1 and in the registry. */
async function createWorld(name: string, l1: AnvilInstance, chains: readonly Chain[]): Promise<World> {
  const db = await createScratchDatabase(`bench_ingest_${name}`);
  const prisma = new PrismaService({ databaseUrl: db.url, maxConnections: 2 });
  const close = async (): Promise<void> => {
    await prisma.onModuleDestroy().catch(() => undefined);
    await db.drop();
  };
  try {
    await migrate(db.url, () => undefined);
    await prisma.onModuleInit();
    const { hubAddress, publicClient } = await deployTestHub(l1.rpcUrl);
    await registerChains(l1.rpcUrl, hubAddress, publicClient, prisma, chains);
    // libsecp256k1 signing (viem's JS signing takes minutes for 10k records); checked against viem once.
    const digest = batchRootDigester(interopHubDomain(BigInt(L1_CHAIN_ID), hubAddress));
    const sign = (key: Hex, c: BatchRootCommitment): Hex => {
      const { signature, recid } = secp256k1.ecdsaSign(digest(c), hexToBytes(key));
      return concatHex([bytesToHex(signature), recid === 0 ? '0x1b' : '0x1c']);
    };
    const base = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: BROKERS,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      L1_RPC_URL: l1.rpcUrl,
      L1_CHAIN_ID: String(L1_CHAIN_ID),
      L1_HUB_ADDRESS: hubAddress,
      L1_ADMIN_PRIVATE_KEY: ANVIL_PRIVATE_KEYS[0],
      ADMIN_TOKEN: 'bench-admin-token-0123456789',
      KAFKA_FAST: 'true',
      // The machine's Postgres is shared: an aggregator lock key of our own.
      AGGREGATOR_LOCK_KEY: BigInt(`0x${randomBytes(6).toString('hex')}`).toString(),
      TOPIC_BATCH_ROOTS: uniqueKafkaName(`bench.ingest.${name}.batch-roots`),
      TOPIC_SHARED_ROOTS: uniqueKafkaName(`bench.ingest.${name}.shared-roots`),
      TOPIC_DEAD_LETTER: uniqueKafkaName(`bench.ingest.${name}.dlq`),
      TOPIC_PROOF_JOBS: uniqueKafkaName(`bench.ingest.${name}.proof-jobs`),
      TOPIC_PROOFS: uniqueKafkaName(`bench.ingest.${name}.proofs`),
    };
    await ensureTopics(BROKERS, [base.TOPIC_BATCH_ROOTS]);
    return { db, prisma, hubAddress, sign, base, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Chains registered on L1 (slot i for the i-th) and active in the registry (the API is covered by the int tests). */
async function registerChains(
  rpcUrl: string,
  hubAddress: Address,
  publicClient: PublicClient,
  prisma: PrismaService,
  chains: readonly Chain[],
): Promise<void> {
  const admin = createWalletClient({
    chain: defineChain({
      id: L1_CHAIN_ID,
      name: 'l1',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
    }),
    transport: http(rpcUrl),
    account: privateKeyToAccount(ANVIL_PRIVATE_KEYS[0]),
  });
  for (const [slot, c] of chains.entries()) {
    const operator = privateKeyToAccount(c.key).address;
    const hash = await admin.writeContract({
      address: hubAddress,
      abi: interopHubAbi,
      functionName: 'registerChain',
      args: [c.chainId, operator],
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`registerChain ${c.chainId} reverted`);
    await prisma.chain.create({
      data: {
        chainId: c.chainId,
        name: `bench-${c.chainId}`,
        operator: operator.toLowerCase(),
        slot,
        status: 'active',
      },
    });
  }
}

/**
 * Per chain, its first `count` batch commitments (or `perChain`) with honest chain roots: the chain's Poseidon tree
 * at the production chain depth, one append per batch (what a chain app signs).
 */
function precomputeHistories(
  chains: ReadonlyArray<Chain & { count?: number }>,
  perChain: number | undefined,
  what: string,
): BatchRootCommitment[][] {
  const t0 = performance.now();
  const histories = chains.map((c, i) => {
    const count = c.count ?? perChain!;
    const tree = new IncrementalPoseidonTree(PRODUCTION_DEPTHS.chainDepth);
    return Array.from({ length: count }, (_, n) => {
      const batchNumber = BigInt(n);
      const batchRoot = toHex(BigInt(i * 1_000_000 + n + 1), { size: 32 });
      tree.append(batchLeaf(batchRoot, batchNumber));
      return {
        chainId: c.chainId,
        batchNumber,
        batchRoot,
        chainRoot: fieldToBytes32(tree.root),
        messageCount: 1,
        firstBlock: batchNumber * 10n,
        lastBlock: batchNumber * 10n + 5n,
      };
    });
  });
  const appends = histories.reduce((a, h) => a + h.length, 0);
  log(
    `${what}: ${appends} chain-tree appends (depth ${PRODUCTION_DEPTHS.chainDepth}) in ${Math.round(performance.now() - t0)} ms`,
  );
  return histories;
}

/** The Kafka record of a signed commitment (key = chain id, so a chain's records stay in order). */
function record(world: World, chain: Chain, c: BatchRootCommitment): { key: string; value: string } {
  return { key: c.chainId.toString(), value: batchRootRecordToJson({ ...c, signature: world.sign(chain.key, c) }) };
}

async function checkNativeSigning(world: World, chain: Chain, c: BatchRootCommitment): Promise<void> {
  const viem = await signBatchRoot(chain.key, interopHubDomain(BigInt(L1_CHAIN_ID), world.hubAddress), c);
  if (world.sign(chain.key, c) !== viem) throw new Error('native signing differs from viem signBatchRoot');
}

async function publish(
  producer: ReturnType<ReturnType<typeof createKafkaClient>['producer']>,
  topic: string,
  messages: ReadonlyArray<{ key: string; value: string }>,
): Promise<void> {
  for (let i = 0; i < messages.length; i += 1000) {
    const slice = messages.slice(i, i + 1000).map((m) => ({ key: m.key, value: m.value }));
    await producer.send({ topic, acks: -1, messages: slice });
  }
}

/** Polls `check` every `everyMs` until it holds; fails at the deadline. `progress` runs about every 30 s. */
async function poll(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 50,
  progress?: () => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let nextProgress = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    if (progress && Date.now() >= nextProgress) {
      nextProgress = Date.now() + 30_000;
      await progress();
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** 1-minute load average every 5 s until stopped (stop is idempotent and returns the samples). */
function startLoadSampler(): { stop: () => number[] } {
  const samples = [loadavg()[0]!];
  const timer = setInterval(() => samples.push(loadavg()[0]!), 5_000);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return samples;
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

function stats(values: readonly number[]): { p50: number; max: number; mean: number } {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), max: s.at(-1) ?? 0, mean: Math.round(meanOf(s)) };
}

function meanOf(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The gas an epoch's submitRoot used, as bigint (the hub stores it as a decimal). */
function gasOf(epoch: bigint, gasUsed: { toFixed: () => string } | null): bigint {
  if (gasUsed === null) throw new Error(`settled epoch ${epoch} has no gas recorded`);
  return BigInt(gasUsed.toFixed());
}

/** Gas for the JSON (summed as bigint; far below 2^53). */
function gasNumber(gas: bigint): number {
  if (gas > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`gas ${gas} does not fit a JSON number`);
  return Number(gas);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/ingest failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
