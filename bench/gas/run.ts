/**
 * Gas figures of the contracts on a real anvil (`npx tsx bench/gas/run.ts`): prints JSON and writes
 * bench/results/gas.json. Deployment, InteropHub.submitRoot (real Groth16 proof of the test circuit when it is
 * built, else AcceptAllVerifier, said in the output), InteropHandler.executeMessage for the first message of a batch
 * (full Poseidon paths) and a later one (batch cached) at test and production depths, sendMessage, bridge and the
 * token deliveries.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFunctionData, toHex, type Address, type Hex, type TransactionReceipt } from 'viem';
import {
  AggregationState,
  BatchTree,
  buildInclusionProof,
  interopHubDomain,
  messageLeaf,
  MessageKind,
  signBatchRoot,
  TEST_CHAIN_DEPTH,
  TEST_K,
  TEST_SHAPE,
  TEST_SHARED_DEPTH,
  type InteropMessage,
} from '@interop/protocol';
import {
  aggregationVerifierTestAbi,
  aggregationVerifierTestBytecode,
  deployContract,
  deployInteropHub,
  deployL2Stack,
  ensurePoseidonLibraries,
  interopCenterAbi,
  interopHandlerAbi,
  interopHubAbi,
  nativeTokenVaultAbi,
} from '@interop/contracts';
import { ANVIL_PRIVATE_KEYS } from '../../libs/infra/src/testing/anvil';
import { deployFixture, fixtureAbi } from '../../contracts/test/helpers/fixtures';
import { sentMessages } from '../../contracts/test/helpers/network';
import { proveStep, testCircuitBuilt } from '../../contracts/test/helpers/realProof';
import { startTestChain, type TestChain } from '../../contracts/test/helpers/testChain';

const L1 = 900;
const A = 501;
const B = 502;
const BATCH_DEPTH = 16;
const PROD = { batchDepth: 16, chainDepth: 20, sharedDepth: 10 };
const TEST = { batchDepth: BATCH_DEPTH, chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH };

async function mined(chain: TestChain, hash: Hex): Promise<TransactionReceipt> {
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`transaction ${hash} reverted`);
  return receipt;
}

async function benchSubmitRoot(l1: TestChain) {
  const real = testCircuitBuilt();
  const deployer = { walletClient: l1.wallets[0]!, publicClient: l1.publicClient };
  const libs = await ensurePoseidonLibraries(deployer);
  const verifier = real
    ? await deployContract(deployer, {
        abi: aggregationVerifierTestAbi,
        bytecode: aggregationVerifierTestBytecode,
        args: [],
        name: 'AggregationVerifierTest',
      })
    : { address: await deployFixture(l1.wallets[0]!, l1.publicClient, 'AcceptAllVerifier'), gasUsed: 0n };
  const hub = await deployInteropHub(deployer, {
    verifier: verifier.address,
    sharedDepth: TEST_SHARED_DEPTH,
    k: TEST_K,
  });
  const chains = [BigInt(A), BigInt(B)];
  for (const [i, chainId] of chains.entries()) {
    await mined(
      l1,
      await l1.wallets[0]!.writeContract({
        address: hub.address,
        abi: interopHubAbi,
        functionName: 'registerChain',
        args: [chainId, l1.wallets[i + 1]!.account.address],
      }),
    );
  }
  const state = new AggregationState({ chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH });
  const results: { updates: number; gas: bigint; perBatchRoot: bigint }[] = [];
  let epoch = 0n;
  const next = new Map<bigint, bigint>();
  // K = 1 and K = 2 updates; twice each so the figures are for warm (non-first) slots as well
  for (const n of [1, 2, 1, 2]) {
    const updates = chains.slice(0, n).map((chainId) => {
      const batchNumber = next.get(chainId) ?? 0n;
      next.set(chainId, batchNumber + 1n);
      return {
        chainId,
        batchNumber,
        batchRoot: toHex(1000n + epoch * 10n + batchNumber, { size: 32 }),
        messageCount: 10,
        firstBlock: 1n,
        lastBlock: 9n,
      };
    });
    const step = state.apply(
      updates.map((u) => ({
        slot: chains.indexOf(u.chainId),
        chainId: u.chainId,
        batchNumber: u.batchNumber,
        batchRoot: u.batchRoot,
      })),
      TEST_SHAPE,
    );
    const proof = real
      ? (await proveStep(step)).proof
      : {
          a: [0n, 0n],
          b: [
            [0n, 0n],
            [0n, 0n],
          ],
          c: [0n, 0n],
        };
    const signatures = await Promise.all(
      updates.map((u) => {
        const operatorKey = ANVIL_PRIVATE_KEYS[chains.indexOf(u.chainId) + 1];
        if (!operatorKey) throw new Error(`no operator key for chain ${u.chainId}`);
        return signBatchRoot(operatorKey, interopHubDomain(BigInt(L1), hub.address), u);
      }),
    );
    epoch += 1n;
    const receipt = await mined(
      l1,
      await l1.wallets[0]!.writeContract({
        address: hub.address,
        abi: interopHubAbi,
        functionName: 'submitRoot',
        args: [
          epoch,
          toHex(step.oldRoot, { size: 32 }),
          toHex(step.newRoot, { size: 32 }),
          updates,
          signatures,
          proof as never,
        ],
      }),
    );
    results.push({ updates: n, gas: receipt.gasUsed, perBatchRoot: receipt.gasUsed / BigInt(n) });
  }
  return {
    deployment: { poseidonLibraries: libs.gasUsed, verifier: verifier.gasUsed, interopHub: hub.gasUsed },
    submitRoot: {
      verifier: real
        ? 'AggregationVerifierTest (real Groth16 proof, test circuit)'
        : 'AcceptAllVerifier (circuit not built)',
      k: TEST_K,
      sharedDepth: TEST_SHARED_DEPTH,
      runs: results,
    },
  };
}

/** executeMessage gas for the 1st and the 2nd..nth message of one batch, at the given depths. */
async function benchExecute(b: TestChain, depths: typeof TEST, messages: number) {
  const stack = await deployL2Stack({ walletClient: b.wallets[0]!, publicClient: b.publicClient }, depths);
  const recorder = await deployFixture(b.wallets[0]!, b.publicClient, 'CallRecorder', [stack.handler]);
  const payload = encodeFunctionData({ abi: fixtureAbi('CallRecorder'), functionName: 'record', args: ['0x01'] });
  const ms: InteropMessage[] = Array.from({ length: messages }, (_, i) => ({
    srcChainId: BigInt(A),
    dstChainId: BigInt(B),
    nonce: BigInt(i),
    sender: b.wallets[5]!.account.address,
    recipient: recorder,
    kind: MessageKind.CALL,
    payload,
    assetId: `0x${'0'.repeat(64)}`,
    amount: 0n,
    fee: 1000n,
    gasLimit: 100_000n,
  }));
  const batch = new BatchTree(ms.map(messageLeaf), depths.batchDepth);
  const state = new AggregationState({ chainDepth: depths.chainDepth, sharedDepth: depths.sharedDepth });
  state.apply([{ slot: 0, chainId: BigInt(A), batchNumber: 0n, batchRoot: batch.root }], 1);
  await mined(
    b,
    await b.wallets[0]!.writeContract({
      address: stack.handler,
      abi: interopHandlerAbi,
      functionName: 'importSharedRoot',
      args: [1n, toHex(state.sharedRoot, { size: 32 })],
    }),
  );
  const gas: bigint[] = [];
  for (const m of ms) {
    const proof = buildInclusionProof({
      message: m,
      batch,
      batchNumber: 0n,
      chainTree: state.chainTree(BigInt(A))!,
      chainSizeAtEpoch: 1,
      sharedTree: state.sharedTree,
      slot: 0,
      epoch: 1n,
    });
    const receipt = await mined(
      b,
      await b.wallets[3]!.writeContract({
        address: stack.handler,
        abi: interopHandlerAbi,
        functionName: 'executeMessage',
        args: [m, proof],
      }),
    );
    gas.push(receipt.gasUsed);
  }
  return {
    depths,
    first: gas[0]!,
    nth: gas[gas.length - 1]!,
    all: gas,
    recipient: 'CallRecorder.record (stores the context: ~4 SSTOREs)',
  };
}

async function benchL2(a: TestChain, b: TestChain) {
  const depths = TEST;
  const sa = await deployL2Stack({ walletClient: a.wallets[0]!, publicClient: a.publicClient }, depths);
  const sb = await deployL2Stack({ walletClient: b.wallets[0]!, publicClient: b.publicClient }, depths);
  const params = { baseFee: 10n ** 12n, perByteFee: 10n ** 9n, dstGasPrice: 10n ** 8n, exchangeRateE18: 10n ** 18n };
  await mined(
    a,
    await a.wallets[0]!.writeContract({
      address: sa.center,
      abi: interopCenterAbi,
      functionName: 'setFeeParams',
      args: [BigInt(B), params],
    }),
  );
  await mined(
    b,
    await b.wallets[0]!.writeContract({
      address: sb.center,
      abi: interopCenterAbi,
      functionName: 'setFeeParams',
      args: [BigInt(A), params],
    }),
  );

  const user = a.wallets[1]!;
  const send = async (payload: Hex) => {
    const fee = await a.publicClient.readContract({
      address: sa.center,
      abi: interopCenterAbi,
      functionName: 'quoteFee',
      args: [BigInt(B), BigInt((payload.length - 2) / 2), 100_000n],
    });
    return mined(
      a,
      await user.writeContract({
        address: sa.center,
        abi: interopCenterAbi,
        functionName: 'sendMessage',
        args: [BigInt(B), '0x00000000000000000000000000000000000000aa', payload, 100_000n],
        value: fee,
      }),
    );
  };
  const firstSend = await send('0xdeadbeef');
  const laterSend = await send('0xdeadbeef');
  const longSend = await send(toHex(new Uint8Array(1000).fill(7)));

  const token = await deployFixture(a.wallets[0]!, a.publicClient, 'TestToken', ['Bench', 'BNCH']);
  await mined(
    a,
    await a.wallets[0]!.writeContract({
      address: token,
      abi: fixtureAbi('TestToken'),
      functionName: 'mint',
      args: [user.account.address, 10n ** 24n],
    }),
  );
  await mined(
    a,
    await user.writeContract({
      address: token,
      abi: fixtureAbi('TestToken'),
      functionName: 'approve',
      args: [sa.vault, 2n ** 256n - 1n],
    }),
  );
  const bridge = async (
    chain: TestChain,
    vault: Address,
    wallet: TestChain['wallets'][number],
    tokenAddress: Address,
    dst: number,
    to: Address,
  ) => {
    const fee = await chain.publicClient.readContract({
      address: vault,
      abi: nativeTokenVaultAbi,
      functionName: 'quoteBridgeFee',
      args: [tokenAddress, BigInt(dst)],
    });
    return mined(
      chain,
      await wallet.writeContract({
        address: vault,
        abi: nativeTokenVaultAbi,
        functionName: 'bridge',
        args: [tokenAddress, 10n ** 18n, BigInt(dst), to],
        value: fee,
      }),
    );
  };
  const bob = b.wallets[2]!;
  const lock1 = await bridge(a, sa.vault, user, token, B, bob.account.address);
  const lock2 = await bridge(a, sa.vault, user, token, B, bob.account.address);

  // deliver both to B through one settled batch
  const ms = [...sentMessages(lock1), ...sentMessages(lock2)];
  const state = new AggregationState({ chainDepth: depths.chainDepth, sharedDepth: depths.sharedDepth });
  const batch = new BatchTree(ms.map(messageLeaf), BATCH_DEPTH);
  state.apply([{ slot: 0, chainId: BigInt(A), batchNumber: 0n, batchRoot: batch.root }], 1);
  let epoch = 1n;
  const importRoot = async (chain: TestChain, handler: Address) =>
    mined(
      chain,
      await chain.wallets[0]!.writeContract({
        address: handler,
        abi: interopHandlerAbi,
        functionName: 'importSharedRoot',
        args: [epoch, toHex(state.sharedRoot, { size: 32 })],
      }),
    );
  await importRoot(b, sb.handler);
  const proofOf = (m: InteropMessage, src: bigint, slot: number, tree: BatchTree, batchNumber: bigint) =>
    buildInclusionProof({
      message: m,
      batch: tree,
      batchNumber,
      chainTree: state.chainTree(src)!,
      chainSizeAtEpoch: state.chainSize(src),
      sharedTree: state.sharedTree,
      slot,
      epoch,
    });
  const deliver = async (chain: TestChain, handler: Address, m: InteropMessage, proof: ReturnType<typeof proofOf>) =>
    mined(
      chain,
      await chain.wallets[3]!.writeContract({
        address: handler,
        abi: interopHandlerAbi,
        functionName: 'executeMessage',
        args: [m, proof],
      }),
    );
  const mintFirst = await deliver(b, sb.handler, ms[0]!, proofOf(ms[0]!, BigInt(A), 0, batch, 0n));
  const mintLater = await deliver(b, sb.handler, ms[1]!, proofOf(ms[1]!, BigInt(A), 0, batch, 0n));

  // back to A: burn on B, release on A
  const bridged = await b.publicClient.readContract({
    address: sb.vault,
    abi: nativeTokenVaultAbi,
    functionName: 'bridgedTokenAddress',
    args: [ms[0]!.assetId],
  });
  const burn = await bridge(b, sb.vault, bob, bridged, A, user.account.address);
  const [back] = sentMessages(burn);
  const backBatch = new BatchTree([messageLeaf(back!)], BATCH_DEPTH);
  state.apply([{ slot: 1, chainId: BigInt(B), batchNumber: 0n, batchRoot: backBatch.root }], 1);
  epoch = 2n;
  await importRoot(a, sa.handler);
  const release = await deliver(a, sa.handler, back!, proofOf(back!, BigInt(B), 1, backBatch, 0n));

  return {
    deployment: {
      interopCenter: sa.gasUsed.center,
      interopHandler: sa.gasUsed.handler,
      nativeTokenVault: sa.gasUsed.vault,
      l2Wiring: sa.gasUsed.wiring,
    },
    sendMessage: { first: firstSend.gasUsed, later: laterSend.gasUsed, payload1000Bytes: longSend.gasUsed },
    bridge: { lockFirst: lock1.gasUsed, lockLater: lock2.gasUsed, burn: burn.gasUsed },
    executeToken: {
      mintDeployingBridgedToken: mintFirst.gasUsed,
      mintLater: mintLater.gasUsed,
      release: release.gasUsed,
      note: 'test depths (16/3/2); the first delivery of a batch includes its Poseidon paths',
    },
  };
}

async function main(): Promise<void> {
  const [l1, a, b, bProd] = await Promise.all([
    startTestChain(L1),
    startTestChain(A),
    startTestChain(B),
    startTestChain(B),
  ]);
  try {
    const hub = await benchSubmitRoot(l1);
    const l2 = await benchL2(a, b);
    const executeTest = await benchExecute(b, TEST, 4);
    const executeProd = await benchExecute(bProd, PROD, 4);
    const result = {
      measuredAt: new Date().toISOString(),
      tool: 'anvil (automine), solc-js 0.8.37 optimizer 200 runs, evm cancun',
      deployment: { ...hub.deployment, ...l2.deployment },
      submitRoot: hub.submitRoot,
      executeMessage: { test: executeTest, production: executeProd },
      sendMessage: l2.sendMessage,
      bridge: l2.bridge,
      executeToken: l2.executeToken,
    };
    const json = JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2);
    const out = join(__dirname, '..', 'results', 'gas.json');
    mkdirSync(join(__dirname, '..', 'results'), { recursive: true });
    writeFileSync(out, `${json}\n`);
    process.stdout.write(`${json}\n`);
  } finally {
    await Promise.all([l1.stop(), a.stop(), b.stop(), bProd.stop()]);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
