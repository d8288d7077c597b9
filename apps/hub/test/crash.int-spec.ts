import { interopHubAbi } from '@interop/contracts';
import { KafkaProducerService, PrismaService, createKafkaClient } from '@interop/infra';
import { ANVIL_PRIVATE_KEYS, freePort } from '@interop/infra/testing/anvil';
import { readTopic } from '@interop/infra/testing/kafkaReadTopic';
import {
  batchRootRecordToJson,
  interopHubDomain,
  sharedRootRecordSchema,
  type BatchRootCommitment,
} from '@interop/protocol';
import { batchRootDigester } from '@interop/protocol/eip712/batchRootDigest';
import { Client } from 'pg';
import secp256k1 from 'secp256k1';
import { bytesToHex, concatHex, createWalletClient, hexToBytes, http, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { batch, createHubTestEnv, L1_CHAIN_ID, waitFor, type HubTestEnv } from './harness';
import { hubEnvironment, killHubApp, spawnHubApp, waitHubHealthy, type HubProcess } from './support/hubProcess';

jest.setTimeout(900_000);

const CHAINS = [
  { id: 911n, key: ANVIL_PRIVATE_KEYS[1], slot: 0 },
  { id: 912n, key: ANVIL_PRIVATE_KEYS[2], slot: 1 },
  { id: 913n, key: ANVIL_PRIVATE_KEYS[3], slot: 2 },
  { id: 914n, key: ANVIL_PRIVATE_KEYS[4], slot: 3 },
] as const;
const [A, B, C, D] = CHAINS;
/** The advisory lock the gate trigger waits on (the test holds it while a gate is set). */
const GATE_KEY = 4_242_001;

/**
 * The hub as its own OS process (`node --import tsx apps/hub/src/main.ts`, config from the environment), killed with
 * SIGKILL at chosen points of an epoch and of ingestion, then restarted; every epoch must settle exactly once.
 *
 * The kill points are made exact with a gate in the scratch database: a trigger on `epochs` that, for the status
 * transition named in `crash_gate`, waits for an advisory lock the test holds. The hub then blocks inside that UPDATE
 * (everything before it done, nothing after it), the test sees the waiting backend in `pg_locks`, kills the hub,
 * terminates the blocked backend (what Postgres does by itself once it notices the dead client) and releases the
 * gate. "After the proof is stored, before the L1 transaction" is made exact by stopping anvil (SIGSTOP) first.
 */
describe('hub killed with SIGKILL mid-epoch and mid-ingestion (real Postgres, Kafka, anvil, Groth16)', () => {
  let env: HubTestEnv;
  let prisma: PrismaService;
  let producer: KafkaProducerService;
  let gate: Client;
  let hub: HubProcess | undefined;
  let port = 0;
  let hubEnv: Record<string, string> = {};
  let sign: (key: Hex, c: BatchRootCommitment) => Hex;

  const start = async (overrides: Record<string, string> = {}): Promise<void> => {
    port = await freePort();
    hub = spawnHubApp({ ...hubEnv, PORT: String(port), ...overrides });
    await waitHubHealthy(hub, port);
  };
  const kill = async (): Promise<void> => {
    if (hub) await killHubApp(hub);
    hub = undefined;
  };
  const publish = async (chain: (typeof CHAINS)[number], c: BatchRootCommitment): Promise<void> => {
    await producer.send(
      env.config.TOPIC_BATCH_ROOTS,
      chain.id,
      batchRootRecordToJson({ ...c, signature: sign(chain.key, c) }),
    );
  };
  const l1 = {
    epoch: () => env.publicClient.readContract({ address: env.hubAddress, abi: interopHubAbi, functionName: 'epoch' }),
    rootAt: (n: bigint) =>
      env.publicClient.readContract({ address: env.hubAddress, abi: interopHubAbi, functionName: 'rootAt', args: [n] }),
  };
  const epochRow = (number: bigint) => prisma.epoch.findUnique({ where: { number } });
  const waitSettled = (number: bigint) =>
    waitFor(
      `epoch ${number} settled and published`,
      async () => {
        const e = await epochRow(number);
        return e?.status === 'settled' && e.publishedAt ? e : undefined;
      },
      180_000,
    );

  /** Sets the gate on a status transition (or `published`) and holds its lock. */
  const closeGate = async (point: 'proved' | 'submitted' | 'published'): Promise<void> => {
    await gate.query('INSERT INTO crash_gate (point) VALUES ($1)', [point]);
    await gate.query('SELECT pg_advisory_lock($1)', [GATE_KEY]);
  };
  /** Polls until a hub backend waits at the gate. */
  const waitAtGate = (what: string) =>
    waitFor(
      what,
      async () => {
        const { rows } = await gate.query<{ pid: number }>(
          `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`,
          [GATE_KEY],
        );
        return rows.length > 0 ? true : undefined;
      },
      180_000,
    );
  /** After the kill: ends the blocked backends of the dead process (so their UPDATE never commits), opens the gate. */
  const openGate = async (): Promise<void> => {
    await gate.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`,
      [GATE_KEY],
    );
    await gate.query('DELETE FROM crash_gate');
    await gate.query('SELECT pg_advisory_unlock($1)', [GATE_KEY]);
  };

  beforeAll(async () => {
    // Epochs start as soon as a batch waits: each scenario publishes one batch, so it gets its own epoch.
    env = await createHubTestEnv('crash', { LOG_LEVEL: 'info' });
    hubEnv = hubEnvironment(env.config);
    prisma = new PrismaService({ databaseUrl: env.db.url, maxConnections: 2 });
    await prisma.onModuleInit();
    producer = new KafkaProducerService({ brokers: env.brokers, clientId: 'hub-crash-producer', fast: true });
    gate = new Client({ connectionString: env.db.url });
    await gate.connect();
    const digest = batchRootDigester(interopHubDomain(BigInt(L1_CHAIN_ID), env.hubAddress));
    sign = (key, c) => {
      const { signature, recid } = secp256k1.ecdsaSign(digest(c), hexToBytes(key));
      return concatHex([bytesToHex(signature), recid === 0 ? '0x1b' : '0x1c']);
    };

    // Four chains registered on L1 and active in the registry (the registration API has its own tests).
    const admin = createWalletClient({
      chain: env.publicClient.chain!,
      transport: http(env.l1.rpcUrl),
      account: privateKeyToAccount(ANVIL_PRIVATE_KEYS[0]),
    });
    for (const c of CHAINS) {
      const operator = privateKeyToAccount(c.key).address;
      const hash = await admin.writeContract({
        address: env.hubAddress,
        abi: interopHubAbi,
        functionName: 'registerChain',
        args: [c.id, operator],
      });
      await env.publicClient.waitForTransactionReceipt({ hash });
      await prisma.chain.create({
        data: {
          chainId: c.id,
          name: `crash-${c.id}`,
          operator: operator.toLowerCase(),
          slot: c.slot,
          status: 'active',
        },
      });
    }

    await gate.query('CREATE TABLE crash_gate (point text PRIMARY KEY)');
    await gate.query(`
      CREATE FUNCTION crash_gate_wait() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (NEW.status IS DISTINCT FROM OLD.status AND EXISTS (SELECT 1 FROM crash_gate WHERE point = NEW.status::text))
           OR (OLD.published_at IS NULL AND NEW.published_at IS NOT NULL
               AND EXISTS (SELECT 1 FROM crash_gate WHERE point = 'published')) THEN
          PERFORM pg_advisory_xact_lock_shared(${GATE_KEY});
        END IF;
        RETURN NEW;
      END $$`);
    await gate.query(
      'CREATE TRIGGER crash_gate BEFORE UPDATE ON epochs FOR EACH ROW EXECUTE FUNCTION crash_gate_wait()',
    );
    await start();
  }, 300_000);

  afterAll(async () => {
    await kill();
    if (env) process.kill(env.l1.process.pid!, 'SIGCONT');
    await gate?.end();
    await producer?.close();
    await prisma?.onModuleDestroy();
    await env?.close();
  });

  it('killed after the proof job was created (proof computed, not stored): the restart proves and settles epoch 1', async () => {
    await closeGate('proved');
    await publish(A, batch(A.id, 0n));
    await waitAtGate('the hub storing the proof of epoch 1');
    await kill();
    await openGate();
    expect((await epochRow(1n))?.status).toBe('created');
    expect(await l1.epoch()).toBe(0n);

    await start();
    expect((await waitSettled(1n)).updates).toHaveLength(1);
  });

  it('killed after the L1 transaction was sent, before its hash was stored: the restart settles epoch 2 from L1', async () => {
    await closeGate('submitted');
    await publish(B, batch(B.id, 0n));
    await waitAtGate('the hub storing the submitRoot hash of epoch 2');
    await waitFor('epoch 2 on L1', async () => ((await l1.epoch()) === 2n ? true : undefined));
    await kill();
    await openGate();
    const row = await epochRow(2n);
    expect(row?.status).toBe('proved');
    expect(row?.l1TxHash).toBeNull();

    await start();
    await waitSettled(2n);
    expect(await l1.epoch()).toBe(2n);
  });

  it('killed after the proof was stored, before the L1 transaction: the restart submits epoch 3 once', async () => {
    await closeGate('proved');
    await publish(C, batch(C.id, 0n));
    await waitAtGate('the hub storing the proof of epoch 3');
    // L1 stops answering, then the proof is let through: the hub stores it and hangs on its first L1 call.
    process.kill(env.l1.process.pid!, 'SIGSTOP');
    try {
      await openGate();
      await waitFor('epoch 3 proved', async () => ((await epochRow(3n))?.status === 'proved' ? true : undefined));
      await kill();
    } finally {
      process.kill(env.l1.process.pid!, 'SIGCONT');
    }
    expect(await l1.epoch()).toBe(2n);

    await start();
    await waitSettled(3n);
  });

  it('killed after the shared root was published, before that was recorded: epoch 4 is re-published identically', async () => {
    await closeGate('published');
    await publish(D, batch(D.id, 0n));
    await waitAtGate('the hub recording the publication of epoch 4');
    await kill();
    await openGate();
    expect((await epochRow(4n))?.status).toBe('settled');
    expect((await epochRow(4n))?.publishedAt).toBeNull();

    await start();
    await waitSettled(4n);
  });

  it('after the kills: one submitRoot per epoch, an unbroken L1 root chain, settled rows, each epoch on the topic', async () => {
    const events = await env.publicClient.getContractEvents({
      address: env.hubAddress,
      abi: interopHubAbi,
      eventName: 'RootSubmitted',
      fromBlock: 0n,
    });
    expect(events.map((e) => e.args.epoch)).toEqual([1n, 2n, 3n, 4n]);
    expect(await l1.epoch()).toBe(4n);
    const rows = await prisma.epoch.findMany({ orderBy: { number: 'asc' } });
    expect(rows.map((r) => [r.number, r.status, r.publishedAt !== null])).toEqual([
      [1n, 'settled', true],
      [2n, 'settled', true],
      [3n, 'settled', true],
      [4n, 'settled', true],
    ]);
    let prev = await l1.rootAt(0n);
    for (const r of rows) {
      expect(await l1.rootAt(r.number)).toBe(r.root);
      expect(r.prevRoot).toBe(prev);
      prev = r.root as Hex;
      const event = events.find((e) => e.args.epoch === r.number)!;
      expect(r.l1TxHash).toBe(event.transactionHash);
    }
    expect(await prisma.batch.count({ where: { status: 'aggregated' } })).toBe(4);

    // Each epoch on the shared-roots topic, in order; epoch 4 twice (the kill came between sending and recording),
    // the two records identical.
    const records = await readTopic({
      brokers: env.brokers,
      topic: env.config.TOPIC_SHARED_ROOTS,
      until: (r) => r.length >= 5,
    });
    const values = records.map((r) => r.value!.toString());
    const epochs = values.map((v) => sharedRootRecordSchema.parse(JSON.parse(v)).epoch);
    expect(epochs).toEqual([1n, 2n, 3n, 4n, 4n]);
    expect(values[4]).toBe(values[3]);
    for (const [i, v] of values.entries()) {
      expect(sharedRootRecordSchema.parse(JSON.parse(v)).root).toBe(rows[Math.min(i, 3)]!.root);
    }
  });

  it('killed twice mid-ingestion: every batch root stored exactly once, in order, the checkpoints at the end', async () => {
    await kill();
    // Ingestion only (the aggregator would take these batches), small transactions so that a kill lands mid-stream.
    const ingestOnly = { AGGREGATOR_ENABLED: 'false', INGEST_MAX_BATCH: '50' };
    const perChain = 2_500n;
    const messages: Array<{ key: string; value: string }> = [];
    for (let n = 1n; n <= perChain; n++) {
      for (const chain of [C, D]) {
        const c = batch(chain.id, n);
        messages.push({
          key: chain.id.toString(),
          value: batchRootRecordToJson({ ...c, signature: sign(chain.key, c) }),
        });
      }
    }
    const kafka = createKafkaClient({ brokers: env.brokers, clientId: 'hub-crash-bulk', fast: true });
    const bulk = kafka.producer({ allowAutoTopicCreation: false });
    await bulk.connect();
    try {
      for (let i = 0; i < messages.length; i += 1000) {
        await bulk.send({ topic: env.config.TOPIC_BATCH_ROOTS, acks: -1, messages: messages.slice(i, i + 1000) });
      }
    } finally {
      await bulk.disconnect();
    }
    const total = messages.length;
    const stored = () => prisma.batch.count({ where: { chainId: { in: [C.id, D.id] }, batchNumber: { gt: 0n } } });

    const countsAtKill: number[] = [];
    for (const threshold of [total / 5, total / 2]) {
      await start(ingestOnly);
      await waitFor(
        `over ${threshold} batch roots stored`,
        async () => ((await stored()) > threshold ? true : undefined),
        180_000,
      );
      await kill();
      countsAtKill.push(await stored());
    }
    // The kills landed mid-stream (not before the first record nor after the last).
    expect(countsAtKill[1]!).toBeLessThan(total);

    // Identical duplicates published after the kills are acknowledged and ignored.
    for (let i = 0; i < 100; i++)
      await producer.send(env.config.TOPIC_BATCH_ROOTS, messages[i]!.key, messages[i]!.value);
    await start(ingestOnly);
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(env.config.TOPIC_BATCH_ROOTS);
    await admin.disconnect();
    await waitFor(
      'every partition checkpointed at its last record',
      async () => {
        const checkpoints = await prisma.consumerCheckpoint.findMany({
          where: { consumer: env.config.KAFKA_GROUP_ID, topic: env.config.TOPIC_BATCH_ROOTS },
        });
        const done = ends.every((p) => {
          const last = BigInt(p.high) - 1n;
          return last < 0n || checkpoints.some((c) => c.partition === p.partition && c.offset === last);
        });
        return done ? true : undefined;
      },
      180_000,
    );
    expect(await stored()).toBe(total);
    for (const chain of [C, D]) {
      const rows = await prisma.batch.findMany({
        where: { chainId: chain.id, batchNumber: { gt: 0n } },
        orderBy: { batchNumber: 'asc' },
        select: { batchNumber: true, status: true, batchRoot: true },
      });
      expect(rows.map((r) => r.batchNumber)).toEqual(Array.from({ length: Number(perChain) }, (_, i) => BigInt(i + 1)));
      expect(rows.every((r) => r.status === 'received')).toBe(true);
      expect(rows.every((r, i) => r.batchRoot === batch(chain.id, BigInt(i + 1)).batchRoot)).toBe(true);
    }
    expect(await prisma.equivocation.count()).toBe(0);
    expect((await prisma.chain.findMany({ where: { status: { not: 'active' } } })).length).toBe(0);
  });
});
