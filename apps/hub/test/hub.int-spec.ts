import { interopHubAbi } from '@interop/contracts';
import { KafkaProducerService, deadLetterRecordSchema, type BootstrapHttpAppReturnType } from '@interop/infra';
import { PrismaService } from '@interop/infra';
import { ANVIL_PRIVATE_KEYS } from '@interop/infra/testing/anvil';
import { readTopic } from '@interop/infra/testing/kafkaReadTopic';
import {
  AggregationState,
  TEST_CHAIN_DEPTH,
  TEST_K,
  TEST_SHARED_DEPTH,
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

jest.setTimeout(180_000);

const [, KEY_A, KEY_B, KEY_C, KEY_EVIL] = ANVIL_PRIVATE_KEYS;
const A = 901n;
const B = 902n;
const C = 903n;

/**
 * The hub end to end on real Postgres, Kafka, anvil (InteropHub + AggregationVerifierTest) and the test circuit:
 * registration mirrored on L1, ingestion with every rejection path, epochs proven and settled on L1 with the root
 * computed here independently, shared roots published, the query API, and crash-resume after `proved` and after
 * `submitted` (each epoch settles exactly once).
 */
describe('hub (real Postgres, Kafka, anvil, Groth16)', () => {
  let env: HubTestEnv;
  let hub: BootstrapHttpAppReturnType | undefined;
  let producer: KafkaProducerService;
  let prisma: PrismaService;
  const expected = new AggregationState({ chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH });
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
  const expectApplied = (...batches: BatchRootCommitment[]): string => {
    for (const b of batches) {
      expected.apply(
        [{ slot: slots.get(b.chainId)!, chainId: b.chainId, batchNumber: b.batchNumber, batchRoot: b.batchRoot }],
        TEST_K,
      );
    }
    return fieldToBytes32(expected.sharedRoot);
  };
  const restart = async (): Promise<void> => {
    await hub?.app.close();
    hub = await startTestHub(env);
  };

  beforeAll(async () => {
    // Epochs here start when K batches wait (the timer path has its own test at the end).
    env = await createHubTestEnv('main', { EPOCH_INTERVAL_MS: '600000' });
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

    const settled = await waitFor('epoch 1 settled', async () => {
      const e = await epochRow(1n);
      return e?.status === 'settled' && e.publishedAt ? e : undefined;
    });
    expect(settled.root).toBe(root);
    expect(await l1Epoch()).toBe(1n);
    expect(await l1RootAt(1n)).toBe(root);
    expect(BigInt(settled.gasUsed!.toFixed())).toBeGreaterThan(200_000n);

    const records = await readTopic({
      brokers: env.brokers,
      topic: env.config.TOPIC_SHARED_ROOTS,
      until: (r) => r.length >= 1,
    });
    const record = sharedRootRecordSchema.parse(JSON.parse(records[0]!.value!.toString()));
    expect(record).toMatchObject({ epoch: 1n, root, l1TxHash: settled.l1TxHash });
    expect(record.updates.map((u) => u.chainId).sort()).toEqual([A, B]);

    const latest = await http_('GET', url('/roots/latest'));
    expect(latest.body).toMatchObject({ epoch: '1', root, l1TxHash: settled.l1TxHash });
    expect(latest.body.proof).toHaveProperty('pi_a');
    expect((await http_('GET', url('/roots/1'))).body.root).toBe(root);
    expect(await http_('GET', url('/roots/7'))).toMatchObject({
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

    await publish(String(A), '{"v":1,"chainId":');
    await publish(String(A), JSON.stringify({ v: 1, chainId: '901' }));
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

    // A#1 and A#2 make epoch 2, which halts after `proved`.
    await waitFor('epoch 2 proved', async () => ((await epochRow(2n))?.status === 'proved' ? true : undefined));
    expect(await l1Epoch()).toBe(1n);

    const metrics = await (await fetch(url('/metrics'))).text();
    expect(metrics).toMatch(/hub_batch_roots_rejected_total\{reason="EQUIVOCATION"\} 1/);
    expect(metrics).toMatch(/hub_batch_roots_duplicate_total 1/);
    expect(metrics).toMatch(/hub_current_epoch 1/);
  });

  it('a restart after `proved` submits and settles epoch 2 exactly once', async () => {
    await restart();
    const root = expectApplied(batch(A, 1n), batch(A, 2n));
    await waitFor('epoch 2 settled', async () => ((await epochRow(2n))?.status === 'settled' ? true : undefined));
    expect(await l1Epoch()).toBe(2n);
    expect(await l1RootAt(2n)).toBe(root);
  });

  it('a restart after `submitted` settles epoch 3 from the L1 receipt without resubmitting', async () => {
    hub!.app.get(EpochService).haltAfter = 'submitted';
    expect((await http_('POST', url(`/chains/${C}/resume`), undefined, ADMIN_TOKEN)).body.status).toBe('active');
    await publishBatch(KEY_C, batch(C, 0n));
    await publishBatch(KEY_A, batch(A, 3n));
    const submitted = await waitFor('epoch 3 submitted', async () => {
      const e = await epochRow(3n);
      return e?.status === 'submitted' ? e : undefined;
    });
    await restart();
    const root = expectApplied(batch(C, 0n), batch(A, 3n));
    const settled = await waitFor('epoch 3 settled', async () => {
      const e = await epochRow(3n);
      return e?.status === 'settled' && e.publishedAt ? e : undefined;
    });
    expect(settled.l1TxHash).toBe(submitted.l1TxHash);
    expect(await l1Epoch()).toBe(3n);
    expect(await l1RootAt(3n)).toBe(root);
    const events = await env.publicClient.getContractEvents({
      address: env.hubAddress,
      abi: interopHubAbi,
      eventName: 'RootSubmitted',
      fromBlock: 0n,
    });
    expect(events.map((e) => e.args.epoch)).toEqual([1n, 2n, 3n]);
    expect(await prisma.epoch.count()).toBe(3);
    expect(await prisma.epoch.count({ where: { status: 'settled' } })).toBe(3);
    const records = await readTopic({
      brokers: env.brokers,
      topic: env.config.TOPIC_SHARED_ROOTS,
      until: (r) => r.length >= 3,
    });
    expect(records.map((r) => sharedRootRecordSchema.parse(JSON.parse(r.value!.toString())).epoch)).toEqual([
      1n,
      2n,
      3n,
    ]);
  });

  it('the timer makes an epoch of fewer than K batches once EPOCH_INTERVAL_MS has passed', async () => {
    await hub?.app.close();
    hub = await startTestHub(env, { EPOCH_INTERVAL_MS: 500 });
    await publishBatch(KEY_A, batch(A, 4n));
    const root = expectApplied(batch(A, 4n));
    const settled = await waitFor('epoch 4 settled', async () => {
      const e = await epochRow(4n);
      return e?.status === 'settled' ? e : undefined;
    });
    expect(settled.updates).toHaveLength(1);
    expect(await l1RootAt(4n)).toBe(root);
  });
});
