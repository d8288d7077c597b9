import {
  aggregationVerifierTestAbi,
  aggregationVerifierTestBytecode,
  deployContract,
  deployInteropHub,
  interopHandlerAbi,
  interopHubAbi,
  type DeployL2StackReturnType,
} from '@interop/contracts';
import { ensureTopics, PrismaService } from '@interop/infra';
import {
  AggregationState,
  interopHubDomain,
  signBatchRoot,
  TEST_CHAIN_DEPTH,
  TEST_K,
  TEST_SHAPE,
  TEST_SHARED_DEPTH,
  type BatchRootCommitment,
} from '@interop/protocol';
import type { INestApplication } from '@nestjs/common';
import { keccak256, toHex, zeroHash, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { proveStep, testCircuitBuilt } from '../../../contracts/test/helpers/realProof';
import { startTestChain, type TestChain } from '../../../contracts/test/helpers/testChain';
import { ANVIL_PRIVATE_KEYS } from '../../../libs/infra/src/testing/anvil';
import { requireKafkaBrokers } from '../../../libs/infra/src/testing/kafkaBrokers';
import { uniqueKafkaName } from '../../../libs/infra/src/testing/kafkaNames';
import { createScratchDatabase, type ScratchDatabase } from '../../../libs/infra/src/prisma/createScratchDatabase';
import { migrate } from '../../../scripts/migrate';
import {
  chainConfig,
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
const b32 = (x: bigint): Hex => toHex(x, { size: 32 });

/**
 * The root importer against a real InteropHub on an L1 anvil (real Groth16 verifier of the test circuit): the chain
 * app seals and signs batch 0, the test settles it on L1 with a real proof (libs/protocol AggregationState +
 * snarkjs), and the app imports the settled root into its InteropHandler.
 */
describe('root importer (real InteropHub settlement on L1)', () => {
  const brokers = requireKafkaBrokers();
  let l1: TestChain;
  let l2: TestChain;
  let hub: Address;
  let stack: DeployL2StackReturnType;
  let db: ScratchDatabase;
  const apps: INestApplication[] = [];
  const state = new AggregationState({ chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH });

  beforeAll(async () => {
    if (!testCircuitBuilt())
      throw new Error('test circuit not built: run node scripts/build-circuits.mjs --instance test');
    [l1, l2] = await Promise.all([startTestChain(900), startTestChain(901)]);
    const l1Clients = { walletClient: l1.wallets[0]!, publicClient: l1.publicClient };
    const { address: verifier } = await deployContract(l1Clients, {
      abi: aggregationVerifierTestAbi,
      bytecode: aggregationVerifierTestBytecode,
      args: [],
      name: 'AggregationVerifierTest',
    });
    ({ address: hub } = await deployInteropHub(l1Clients, { verifier, sharedDepth: TEST_SHARED_DEPTH, k: TEST_K }));
    await l1.publicClient.waitForTransactionReceipt({
      hash: await l1.wallets[0]!.writeContract({
        address: hub,
        abi: interopHubAbi,
        functionName: 'registerChain',
        args: [901n, OPERATOR],
      }),
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
  /** Proves and submits one epoch applying `batches` (signed by the operator) on L1; returns when it is mined. */
  const settle = async (epoch: bigint, batches: { commitment: BatchRootCommitment; signature: Hex }[]) => {
    const updates = batches.map(({ commitment: c }) => ({
      slot: 0,
      chainId: c.chainId,
      batchNumber: c.batchNumber,
      batchRoot: c.batchRoot,
    }));
    const step = state.clone().apply(updates, TEST_SHAPE);
    const { proof } = await proveStep(step);
    const hash = await l1.wallets[0]!.writeContract({
      address: hub,
      abi: interopHubAbi,
      functionName: 'submitRoot',
      args: [
        epoch,
        b32(step.oldRoot),
        b32(step.newRoot),
        batches.map((b) => b.commitment),
        batches.map((b) => b.signature),
        proof as never,
      ],
    });
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    state.apply(updates, TEST_K);
    return l1.publicClient.readContract({ address: hub, abi: interopHubAbi, functionName: 'rootAt', args: [epoch] });
  };

  it('imports the root L1 settled for the batch the app signed, within one polling interval', async () => {
    await ensureTopics(brokers, [topics.roots, topics.messages]);
    const app = await start();
    await sendMessage(l2, stack.center, 2, 902n, '0x5eed');
    await mine(l2, 2);
    const [record] = (await readRootRecords(brokers, topics.roots, (r) => r.length >= 1)).records;
    const { signature, ...commitment } = record!;

    // L1 accepts the app's signature: it recovers to the registered operator inside submitRoot.
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
    const commitment: BatchRootCommitment = {
      chainId: 901n,
      batchNumber: 1n,
      batchRoot: keccak256('0x01'),
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
