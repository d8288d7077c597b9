import { interopHubAbi } from '@interop/contracts';
import { KafkaProducerService, deadLetterRecordSchema, type BootstrapHttpAppReturnType } from '@interop/infra';
import { PrismaService } from '@interop/infra';
import { ANVIL_PRIVATE_KEYS } from '@interop/infra/testing/anvil';
import { readTopic } from '@interop/infra/testing/kafkaReadTopic';
import {
  AggregationState,
  PRODUCTION_DEPTHS,
  batchLeaf,
  chainLeaf,
  computePoseidonRoot,
  fieldToBytes32,
  sharedRootRecordSchema,
  type BatchRootCommitment,
} from '@interop/protocol';
import { privateKeyToAccount } from 'viem/accounts';

import { EpochService } from '../src/epochs/epoch.service';
import {
  ADMIN_TOKEN,
  batch,
  createHubTestEnv,
  http_,
  registrationBody,
  signedBatchRoot,
  startTestHub,
  waitFor,
  type HubTestEnv,
} from './harness';

jest.setTimeout(420_000);

const [, KEY_A, KEY_B, KEY_C, KEY_EVIL] = ANVIL_PRIVATE_KEYS;
const A = 901n;
const B = 902n;
const C = 903n;

/**
 * The hub end to end on real Postgres, Kafka, anvil (InteropHub with the verifiers of every shape) and the
 * production circuits: registration mirrored on L1, ingestion with every rejection path, epochs proven and settled
 * on L1 with the root computed here independently, shared roots published, the query API, and crash-resume after
 * `proved` and after `submitted` (each epoch settles exactly once). Epochs start as soon as a batch waits, so how
 * batches split into epochs is the hub's choice; the roots do not depend on it.
 */
describe('hub (real Postgres, Kafka, anvil, Groth16)', () => {
  let env: HubTestEnv;
  let hub: BootstrapHttpAppReturnType | undefined;
  let producer: KafkaProducerService;
  let prisma: PrismaService;
  const expected = new AggregationState(PRODUCTION_DEPTHS);
  const slots = new Map<bigint, number>();

  const url = (path: string): string => `${hub!.url}${path}`;
  const publish = async (key: string, value: string): Promise<void> => {
    await producer.send(env.config.TOPIC_BATCH_ROOTS, key, value);
  };
  const publishBatch = async (key: `0x${string}`, b: BatchRootCommitment): Promise<void> =>
    publish(b.chainId.toString(), await signedBatchRoot(env, key, b));
  const l1Epoch = () =>
    env.publicClient.readContract({ address: env.hubAddress, abi: interopHubAbi, functionName: 'epoch' });
  const l1RootAt = (epoch: bigint) =>
    env.publicClient.readContract({
      address: env.hubAddress,
      abi: interopHubAbi,
      functionName: 'rootAt',
      args: [epoch],
    });
  const epochRow = (number: bigint) => prisma.epoch.findUnique({ where: { number } });
  /** The shared root once `batches` are aggregated too (computed here, one batch at a time). */
  const expectApplied = (...batches: BatchRootCommitment[]): string => {
    for (const b of batches) {
      expected.apply(
        [{ slot: slots.get(b.chainId)!, chainId: b.chainId, batchNumber: b.batchNumber, batchRoot: b.batchRoot }],
        1,
      );
    }
    return fieldToBytes32(expected.sharedRoot);
  };
  /** The settled and published epoch whose root is `root` (however the hub split the batches into epochs). */
  const settledWithRoot = (what: string, root: string) =>
    waitFor(what, async () => {
      const e = await prisma.epoch.findFirst({ where: { root, status: 'settled', publishedAt: { not: null } } });
      return e ?? undefined;
    });
  const restart = async (): Promise<void> => {
    await hub?.app.close();
    hub = await startTestHub(env);
  };

  beforeAll(async () => {
    env = await createHubTestEnv('main');
    producer = new KafkaProducerService({ brokers: env.brokers, clientId: 'hub-int-producer', fast: true });
    prisma = new PrismaService({ databaseUrl: env.db.url, maxConnections: 2 });
    await prisma.onModuleInit();
    hub = await startTestHub(env);
  }, 300_000);

  afterAll(async () => {
    await hub?.app.close();
    await producer?.close();
    await prisma?.onModuleDestroy();
    await env?.close();
  });

  it('registers chains: pending, admin approval mirrored on L1, stable error codes', async () => {
    for (const [chainId, name, key] of [
      [A, 'alpha', KEY_A],
      [B, 'beta', KEY_B],
      [C, 'gamma', KEY_C],
    ] as const) {
      const created = await http_('POST', url('/chains'), await registrationBody(env, chainId, name, key));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ chainId: chainId.toString(), status: 'pending', slot: null });
    }
    const duplicate = await http_('POST', url('/chains'), await registrationBody(env, A, 'alpha', KEY_A));
    expect(duplicate).toMatchObject({ status: 409, body: { error: { code: 'CHAIN_DUPLICATE' } } });
    // Signed by another key than the operator it names.
    const forged = await registrationBody(env, 904n, 'delta', KEY_EVIL, privateKeyToAccount(KEY_A).address);
    expect(await http_('POST', url('/chains'), forged)).toMatchObject({
      status: 400,
      body: { error: { code: 'SIGNATURE_INVALID' } },
    });
    expect(await http_('POST', url('/chains'), { chainId: 'x' })).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED' } },
    });
    expect(await http_('POST', url(`/chains/${A}/approve`))).toMatchObject({
      status: 401,
      body: { error: { code: 'UNAUTHORIZED' } },
    });
    expect(await http_('POST', url(`/chains/${A}/approve`), undefined, 'wrong-token')).toMatchObject({ status: 401 });
    expect(await http_('POST', url('/chains/999/approve'), undefined, ADMIN_TOKEN)).toMatchObject({
      status: 404,
      body: { error: { code: 'CHAIN_UNKNOWN' } },
    });

    for (const [i, chainId] of [A, B, C].entries()) {
      const approved = await http_('POST', url(`/chains/${chainId}/approve`), undefined, ADMIN_TOKEN);
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        status: 'active',
        slot: i,
        l1TxHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      });
      slots.set(chainId, i);
      const onL1 = await env.publicClient.readContract({
        address: env.hubAddress,
        abi: interopHubAbi,
        functionName: 'getChain',
        args: [chainId],
      });
      expect(onL1).toMatchObject({ registered: true, paused: false, slot: i });
    }
    expect(await http_('POST', url(`/chains/${A}/approve`), undefined, ADMIN_TOKEN)).toMatchObject({
      status: 409,
      body: { error: { code: 'CHAIN_NOT_PENDING' } },
    });
    const list = await http_('GET', url('/chains'));
    const listed = list.body as Array<{ chainId: string; status: string }>;
    expect(listed.map((c) => [c.chainId, c.status])).toEqual([
      ['901', 'active'],
      ['902', 'active'],
      ['903', 'active'],
    ]);
    expect((await http_('GET', url('/chains/902'))).body).toMatchObject({ name: 'beta', slot: 1 });
  });

  it('aggregates signed batch roots into an epoch proven and settled on L1 with the independently computed root', async () => {
    await publishBatch(KEY_A, batch(A, 0n));
    await publishBatch(KEY_B, batch(B, 0n));
    const root = expectApplied(batch(A, 0n), batch(B, 0n));

    const settled = await settledWithRoot('the epoch holding A#0 and B#0 settled', root);
    const n = settled.number;
    expect(await l1Epoch()).toBe(n);
    expect(await l1RootAt(n)).toBe(root);
    // Small epochs use the smallest shape that holds them: A#0 and B#0 together need s4 (2 groups of 2); the hub
    // may also have started an s2 epoch (1 group of 2) for whichever arrived first, since an epoch starts as soon as
    // a batch waits.
    const epochs = await prisma.epoch.findMany({ where: { number: { lte: n } }, orderBy: { number: 'asc' } });
    for (const e of epochs) {
      const chains = new Set((e.updates as Array<{ chainId: string }>).map((u) => u.chainId));
      expect([e.number, e.shapeId]).toEqual([e.number, chains.size === 1 ? 65536 + 2 : 2 * 65536 + 2]);
    }
    expect(epochs.reduce((a, e) => a + (e.updates as unknown[]).length, 0)).toBe(2);
    expect(BigInt(settled.gasUsed!.toFixed())).toBeGreaterThan(200_000n);

    const records = await readTopic({
      brokers: env.brokers,
      topic: env.config.TOPIC_SHARED_ROOTS,
      until: (r) => r.length >= Number(n),
    });
    const parsed = records.map((r) => sharedRootRecordSchema.parse(JSON.parse(r.value!.toString())));
    expect(parsed.at(-1)).toMatchObject({ epoch: n, root, l1TxHash: settled.l1TxHash, shapeId: settled.shapeId });
    expect(parsed.flatMap((r) => r.updates.map((u) => u.chainId)).sort()).toEqual([A, B]);
    // Every published update carries the chain root its operator signed.
    expect(parsed.flatMap((r) => r.updates.map((u) => u.chainRoot))).toEqual(
      parsed.flatMap((r) => r.updates.map((u) => batch(u.chainId, u.batchNumber).chainRoot)),
    );

    const latest = await http_('GET', url('/roots/latest'));
    expect(latest.body).toMatchObject({ epoch: n.toString(), root, l1TxHash: settled.l1TxHash });
    expect(latest.body.proof).toHaveProperty('pi_a');
    expect((await http_('GET', url(`/roots/${n}`))).body.root).toBe(root);
    expect(await http_('GET', url('/roots/77'))).toMatchObject({
      status: 404,
      body: { error: { code: 'EPOCH_UNKNOWN' } },
    });

    // The batch proof folds to the settled root with libs/protocol alone.
    const proof = (await http_('GET', url(`/proofs/batch/${B}/0`))).body as {
      chainPath: string[];
      sharedPath: string[];
      chainRoot: string;
      slot: number;
    };
    const chainRoot = computePoseidonRoot(batchLeaf(batch(B, 0n).batchRoot, 0n), 0n, proof.chainPath.map(BigInt));
    expect(chainRoot.toString()).toBe(proof.chainRoot);
    const shared = computePoseidonRoot(chainLeaf(chainRoot, B), proof.slot, proof.sharedPath.map(BigInt));
    expect(fieldToBytes32(shared)).toBe(root);
    expect(await http_('GET', url(`/proofs/batch/${B}/5`))).toMatchObject({
      status: 404,
      body: { error: { code: 'BATCH_NOT_SETTLED' } },
    });
  });

  it('dead-letters every bad record and keeps going; holds a gap until filled; flags an equivocating chain', async () => {
    // The next epoch stops right after its proof is stored, as if the hub died there.
    hub!.app.get(EpochService).haltAfter = 'proved';
    expect((await http_('POST', url(`/chains/${C}/pause`), undefined, ADMIN_TOKEN)).body.status).toBe('paused');

    await publish(String(A), '{"v":2,"chainId":');
    await publish(String(A), JSON.stringify({ v: 2, chainId: '901' }));
    await publishBatch(KEY_A, batch(999n, 0n));
    await publishBatch(KEY_EVIL, batch(A, 1n));
    await publishBatch(KEY_A, batch(A, 2n)); // gap: 1 is missing
    await waitFor('batch A#2 held', async () =>
      (await prisma.batch.findUnique({ where: { chainId_batchNumber: { chainId: A, batchNumber: 2n } } }))?.status ===
      'held'
        ? true
        : undefined,
    );
    await publishBatch(KEY_A, batch(A, 1n)); // fills the gap
    await publishBatch(KEY_A, batch(A, 0n)); // identical duplicate
    await publishBatch(KEY_B, batch(B, 0n, 7)); // another root for a settled batch: equivocation
    await publishBatch(KEY_B, batch(B, 1n)); // B is flagged now
    await publishBatch(KEY_C, batch(C, 0n)); // C is paused

    const letters = await readTopic({
      brokers: env.brokers,
      topic: env.config.TOPIC_DEAD_LETTER,
      until: (r) => r.length >= 7,
    });
    const codes = letters.map((r) => deadLetterRecordSchema.parse(JSON.parse(r.value!.toString())).errorCode).sort();
    expect(codes).toEqual(
      [
        'MALFORMED_JSON',
        'SCHEMA_VIOLATION',
        'CHAIN_UNKNOWN',
        'SIGNATURE_INVALID',
        'EQUIVOCATION',
        'CHAIN_FLAGGED',
        'CHAIN_PAUSED',
      ].sort(),
    );
    // A partition batch publishes its dead letters before its transaction commits: wait for the commit.
    const equivocation = await waitFor('the equivocation of B stored', async () => {
      const rows = await prisma.equivocation.findMany({ where: { chainId: B } });
      return rows.length > 0 ? rows : undefined;
    });
    expect(equivocation).toEqual([
      expect.objectContaining({
        batchNumber: 0n,
        firstRoot: batch(B, 0n).batchRoot,
        secondRoot: batch(B, 0n, 7).batchRoot,
      }),
    ]);
    expect((await http_('GET', url(`/chains/${B}`))).body.status).toBe('flagged');
    const aBatches = await waitFor('A#0..2 stored', async () => {
      const rows = await prisma.batch.findMany({ where: { chainId: A }, orderBy: { batchNumber: 'asc' } });
      return rows.length >= 3 ? rows : undefined;
    });
    expect(aBatches.map((b) => b.batchNumber)).toEqual([0n, 1n, 2n]);
    expect(aBatches[0]!.batchRoot).toBe(batch(A, 0n).batchRoot);

    // The next epoch (A#1, and A#2 if it arrived in time) halts after `proved`.
    const settledBefore = await l1Epoch();
    const halted = await waitFor('an epoch proved and halted', async () => {
      const e = await prisma.epoch.findFirst({ where: { status: 'proved' } });
      return e ?? undefined;
    });
    expect(halted.number).toBe(settledBefore + 1n);
    expect(await l1Epoch()).toBe(settledBefore);

    const metrics = await (await fetch(url('/metrics'))).text();
    expect(metrics).toMatch(/hub_batch_roots_rejected_total\{reason="EQUIVOCATION"\} 1/);
    expect(metrics).toMatch(/hub_batch_roots_duplicate_total 1/);
    expect(metrics).toMatch(new RegExp(`hub_current_epoch ${settledBefore}`));
  });

  it('a restart after `proved` submits the proved epoch exactly once and aggregates the rest', async () => {
    const proved = (await prisma.epoch.findFirst({ where: { status: 'proved' } }))!;
    await restart();
    const root = expectApplied(batch(A, 1n), batch(A, 2n));
    const settled = await settledWithRoot('A#1 and A#2 settled', root);
    expect(await l1RootAt(settled.number)).toBe(root);
    const again = (await epochRow(proved.number))!;
    expect(again).toMatchObject({ status: 'settled', root: proved.root });
  });

  it('a restart after `submitted` settles the epoch from the L1 receipt without resubmitting', async () => {
    hub!.app.get(EpochService).haltAfter = 'submitted';
    expect((await http_('POST', url(`/chains/${C}/resume`), undefined, ADMIN_TOKEN)).body.status).toBe('active');
    await publishBatch(KEY_C, batch(C, 0n));
    await publishBatch(KEY_A, batch(A, 3n));
    const submitted = await waitFor('an epoch submitted and halted', async () => {
      const e = await prisma.epoch.findFirst({ where: { status: 'submitted' } });
      return e ?? undefined;
    });
    await restart();
    const root = expectApplied(batch(C, 0n), batch(A, 3n));
    await settledWithRoot('C#0 and A#3 settled', root);
    const again = (await epochRow(submitted.number))!;
    expect(again).toMatchObject({ status: 'settled', l1TxHash: submitted.l1TxHash });
    // L1 saw every epoch once, in order, and the database agrees.
    const last = await l1Epoch();
    const events = await env.publicClient.getContractEvents({
      address: env.hubAddress,
      abi: interopHubAbi,
      eventName: 'RootSubmitted',
      fromBlock: 0n,
    });
    expect(events.map((e) => e.args.epoch)).toEqual(Array.from({ length: Number(last) }, (_, i) => BigInt(i + 1)));
    expect(await prisma.epoch.count()).toBe(Number(last));
    expect(await prisma.epoch.count({ where: { status: 'settled' } })).toBe(Number(last));
    const records = await readTopic({
      brokers: env.brokers,
      topic: env.config.TOPIC_SHARED_ROOTS,
      until: (r) => r.length >= Number(last),
    });
    expect(records.map((r) => sharedRootRecordSchema.parse(JSON.parse(r.value!.toString())).epoch)).toEqual(
      events.map((e) => e.args.epoch),
    );
  });

  it('a backlog beyond the small shape is settled with the large shape (2 groups of 16)', async () => {
    const batches = Array.from({ length: 12 }, (_, i) => batch(A, 4n + BigInt(i)));
    for (const b of batches) await publishBatch(KEY_A, b);
    const root = expectApplied(...batches);
    await settledWithRoot('A#4..15 settled', root);
    // Whatever the split, at least one epoch of the backlog needed more than s4's 4 batches.
    const big = await prisma.epoch.findMany({ where: { shapeId: 2 * 65536 + 16 } });
    expect(big.length).toBeGreaterThan(0);
  });

  it('with EPOCH_MIN_INTERVAL_MS an epoch waits for more batches unless the backlog exceeds every shape', async () => {
    await hub?.app.close();
    hub = await startTestHub(env, { EPOCH_MIN_INTERVAL_MS: 600_000 });
    // The first epoch after a start does not wait (no epoch before it).
    const first = batch(A, 16n);
    await publishBatch(KEY_A, first);
    const afterFirst = await settledWithRoot('A#16 settled', expectApplied(first));
    // The next one waits for the interval while what waits fits a shape ...
    const waiting = batch(A, 17n);
    await publishBatch(KEY_A, waiting);
    await waitFor(
      'A#17 received',
      async () =>
        (await prisma.batch.findUnique({ where: { chainId_batchNumber: { chainId: A, batchNumber: 17n } } })) ??
        undefined,
    );
    // A negative can only be shown over time: six polls of the aggregator (250 ms each) make no epoch.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await prisma.epoch.count()).toBe(Number(afterFirst.number));
    // ... and starts at once when the backlog exceeds every shape (A#17..A#52: 36 batches > 32).
    const backlog = Array.from({ length: 35 }, (_, i) => batch(A, 18n + BigInt(i)));
    for (const b of backlog) await publishBatch(KEY_A, b);
    const next = await waitFor('an epoch of the backlog', async () => {
      const e = await epochRow(afterFirst.number + 1n);
      return e ?? undefined;
    });
    expect(next.shapeId).toBe(2 * 65536 + 16);
    expect((next.updates as unknown[]).length).toBeGreaterThanOrEqual(16);
    expectApplied(waiting, ...backlog);
  });
});
