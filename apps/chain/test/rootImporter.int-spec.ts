import { interopHandlerAbi, interopHubAbi, submitRootArgs, type DeployL2StackReturnType } from '@interop/contracts';
import { ensureTopics, PrismaService } from '@interop/infra';
import {
  AggregationState,
  CHAIN_DEPTH,
  fieldToBytes32,
  interopHubDomain,
  PRODUCTION_SHAPES,
  SHARED_DEPTH,
  shapeId,
  signBatchRoot,
  type BatchRootCommitment,
} from '@interop/protocol';
import type { INestApplication } from '@nestjs/common';
import { keccak256, zeroHash, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { deployFixture, fixtureAbi } from '../../../contracts/test/helpers/fixtures';
import { startTestChain, type TestChain } from '../../../contracts/test/helpers/testChain';
import { ANVIL_PRIVATE_KEYS } from '../../../libs/infra/src/testing/anvil';
import { requireKafkaBrokers } from '../../../libs/infra/src/testing/kafkaBrokers';
import { uniqueKafkaName } from '../../../libs/infra/src/testing/kafkaNames';
import { createScratchDatabase, type ScratchDatabase } from '../../../libs/infra/src/prisma/createScratchDatabase';
import { migrate } from '../../../scripts/migrate';
import {
  chainConfig,
  deployHub,
  deployStack,
  mine,
  readRootRecords,
  sendMessage,
  startChainApp,
  waitFor,
  httpGet,
} from './support/harness';

jest.setTimeout(180_000);

const OPERATOR_KEY = ANVIL_PRIVATE_KEYS[1];
const OPERATOR = privateKeyToAccount(OPERATOR_KEY).address;
const POLL_INTERVAL_MS = 500;
const SHAPE = PRODUCTION_SHAPES.s4;
/** The proof bytes: ExpectInputsVerifier ignores them and checks only the public signals L1 computed. */
const NO_PROOF = {
  a: [0n, 0n],
  b: [
    [0n, 0n],
    [0n, 0n],
  ],
  c: [0n, 0n],
} as const;

/**
 * The root importer against a real InteropHub on an L1 anvil (depths 20/10, shape s4): the chain app seals and signs
 * batch 0 with the chain root after it, the test settles it on L1 and the app imports the settled root into its
 * InteropHandler. L1 checks the app's v2 signature itself (ecrecover over BatchRoot with the chain root); the
 * verifier is contracts/test/fixtures ExpectInputsVerifier, which accepts exactly the public signals libs/protocol's
 * AggregationState computed, so L1's own [dataCommitment, challenge, evaluation] of the calldata (which carries the
 * app's chain root) must equal them. Real Groth16 proofs of the shapes are contracts/test/InteropHub.proof.int-spec.ts.
 */
describe('root importer (real InteropHub settlement on L1)', () => {
  const brokers = requireKafkaBrokers();
  let l1: TestChain;
  let l2: TestChain;
  let hub: Address;
  let stack: DeployL2StackReturnType;
  let db: ScratchDatabase;
  const apps: INestApplication[] = [];
  let verifier: Address;
  let state = new AggregationState({ chainDepth: CHAIN_DEPTH, sharedDepth: SHARED_DEPTH });

  beforeAll(async () => {
    [l1, l2] = await Promise.all([startTestChain(900), startTestChain(901)]);
    verifier = await deployFixture(l1.wallets[0]!, l1.publicClient, 'ExpectInputsVerifier');
    hub = await deployHub(l1, {
      chains: [[901n, OPERATOR]],
      shapes: [{ groups: SHAPE.k / SHAPE.groupSize, groupSize: SHAPE.groupSize, verifier }],
    });
    stack = await deployStack(l2, 902n);
    const role = await l2.publicClient.readContract({
      address: stack.handler,
      abi: interopHandlerAbi,
      functionName: 'OPERATOR_ROLE',
    });
    await l2.publicClient.waitForTransactionReceipt({
      hash: await l2.wallets[0]!.writeContract({
        address: stack.handler,
        abi: interopHandlerAbi,
        functionName: 'grantRole',
        args: [role, OPERATOR],
      }),
    });
    db = await createScratchDatabase('chain_roots_it');
    await migrate(db.url);
  });

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await db?.drop();
    await Promise.all([l1?.stop(), l2?.stop()]);
  });

  const topics = { roots: uniqueKafkaName('test.chain.roots'), messages: uniqueKafkaName('test.chain.messages') };
  const start = async () => {
    const app = await startChainApp(
      chainConfig({
        CHAIN_ID: '901',
        DATABASE_URL: db.url,
        KAFKA_BROKERS: brokers,
        KAFKA_TOPIC_BATCH_ROOTS: topics.roots,
        KAFKA_TOPIC_MESSAGES: topics.messages,
        L2_RPC_URL: l2.anvil.rpcUrl,
        L1_RPC_URL: l1.anvil.rpcUrl,
        L1_CHAIN_ID: '900',
        L1_HUB_ADDRESS: hub,
        INTEROP_CENTER_ADDRESS: stack.center,
        INTEROP_HANDLER_ADDRESS: stack.handler,
        OPERATOR_PRIVATE_KEY: OPERATOR_KEY,
        CONFIRMATIONS: '2',
        BATCH_MAX_MESSAGES: '1',
        POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
      }),
    );
    apps.push(app);
    return app;
  };
  const handlerRoot = (epoch: bigint) =>
    l2.publicClient.readContract({
      address: stack.handler,
      abi: interopHandlerAbi,
      functionName: 'sharedRootAt',
      args: [epoch],
    });
  /**
   * Aggregates `batches` (signed by the operator) with libs/protocol, checks that their signed chain roots are the
   * aggregation's, and submits the epoch on L1; returns L1's root of the epoch once mined.
   */
  const settle = async (epoch: bigint, batches: { commitment: BatchRootCommitment; signature: Hex }[]) => {
    const updates = batches.map(({ commitment: c }) => ({
      slot: 0,
      chainId: c.chainId,
      batchNumber: c.batchNumber,
      batchRoot: c.batchRoot,
    }));
    const after = state.clone();
    const step = after.apply(updates, SHAPE);
    expect(batches.map((b) => b.commitment.chainRoot)).toEqual(step.chainRoots.map(fieldToBytes32));
    const { dataCommitment, challenge, evaluation } = step.publicSignals;
    await l1.publicClient.waitForTransactionReceipt({
      hash: await l1.wallets[0]!.writeContract({
        address: verifier,
        abi: fixtureAbi('ExpectInputsVerifier'),
        functionName: 'expect',
        args: [[dataCommitment, challenge, evaluation]],
      }),
    });
    const args = submitRootArgs({
      epoch,
      shapeId: shapeId(SHAPE),
      prevRoot: step.oldRoot,
      newRoot: step.newRoot,
      dataCommitment,
      groups: step.groups,
      metadata: batches.map(({ commitment: c, signature }) => ({
        messageCount: c.messageCount,
        firstBlock: c.firstBlock,
        lastBlock: c.lastBlock,
        signature,
      })),
      proof: NO_PROOF,
    });
    const hash = await l1.wallets[0]!.writeContract({
      address: hub,
      abi: interopHubAbi,
      functionName: 'submitRoot',
      args,
    });
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    state = after;
    const l1Root = await l1.publicClient.readContract({
      address: hub,
      abi: interopHubAbi,
      functionName: 'rootAt',
      args: [epoch],
    });
    expect(l1Root).toBe(fieldToBytes32(step.newRoot));
    return l1Root;
  };

  it('imports the root L1 settled for the batch the app signed, within one polling interval', async () => {
    await ensureTopics(brokers, [topics.roots, topics.messages]);
    const app = await start();
    await sendMessage(l2, stack.center, 2, 902n, '0x5eed');
    await mine(l2, 2);
    const [record] = (await readRootRecords(brokers, topics.roots, (r) => r.length >= 1)).records;
    const { signature, ...commitment } = record!;

    // L1 accepts the app's v2 signature (over the batch and the chain root after it): it recovers to the registered
    // operator inside submitRoot, and the chain root is the one libs/protocol's aggregation gives (checked in settle).
    const l1Root = await settle(1n, [{ commitment, signature }]);
    const settledAt = Date.now();
    const imported = await waitFor('the handler to hold epoch 1', async () => {
      const root = await handlerRoot(1n);
      return root === zeroHash ? undefined : root;
    });
    const elapsedMs = Date.now() - settledAt;
    expect(imported).toBe(l1Root);
    // One polling interval, plus the import transaction and this test's own polling.
    expect(elapsedMs).toBeLessThanOrEqual(POLL_INTERVAL_MS + 1_000);
    process.stdout.write(`root importer: epoch 1 in the L2 handler ${elapsedMs} ms after L1 settlement\n`);

    const prisma = app.get(PrismaService);
    const row = await waitFor(
      'epoch 1 recorded',
      async () =>
        (await prisma.importedRoot.findUnique({ where: { chainId_epoch: { chainId: 901n, epoch: 1n } } })) ?? undefined,
    );
    expect(row).toMatchObject({ root: l1Root });
    expect(row.l2TxHash).toMatch(/^0x[0-9a-f]{64}$/);
    const metrics = await httpGet(app, '/metrics');
    expect(metrics.text).toMatch(/chain_roots_imported_total\{chain_id="901"\} 1/);
    await app.close();
  });

  it('skips a root the handler already has (imported by someone else while the app was down)', async () => {
    const batchRoot = keccak256('0x01');
    const chainRoot = fieldToBytes32(
      state.clone().apply([{ slot: 0, chainId: 901n, batchNumber: 1n, batchRoot }], SHAPE).chainRoots[0]!,
    );
    const commitment: BatchRootCommitment = {
      chainId: 901n,
      batchNumber: 1n,
      batchRoot,
      chainRoot,
      messageCount: 1,
      firstBlock: 1n,
      lastBlock: 1n,
    };
    const signature = await signBatchRoot(OPERATOR_KEY, interopHubDomain(900n, hub), commitment);
    const l1Root = await settle(2n, [{ commitment, signature }]);
    // The deployer also holds OPERATOR_ROLE: it imports epoch 2 before the app comes back.
    await l2.publicClient.waitForTransactionReceipt({
      hash: await l2.wallets[0]!.writeContract({
        address: stack.handler,
        abi: interopHandlerAbi,
        functionName: 'importSharedRoot',
        args: [2n, l1Root],
      }),
    });
    const app = await start();
    const prisma = app.get(PrismaService);
    const row = await waitFor(
      'epoch 2 recorded',
      async () =>
        (await prisma.importedRoot.findUnique({ where: { chainId_epoch: { chainId: 901n, epoch: 2n } } })) ?? undefined,
    );
    expect(row).toMatchObject({ root: l1Root, l2TxHash: null });
    expect(await handlerRoot(2n)).toBe(l1Root);
    const metrics = await httpGet(app, '/metrics');
    expect(metrics.text).toMatch(/chain_roots_imported_total\{chain_id="901"\} 0/);
    await app.close();
  });
});
