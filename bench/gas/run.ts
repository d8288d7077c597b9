/**
 * Gas figures of the contracts on a real anvil, at the production depths (SPEC "Depths": 16/20/10):
 *
 *   npx tsx bench/gas/run.ts              real Groth16 proofs of the production shapes s2, s4 and l32; fails, naming
 *                                         what is missing, unless circuits/build/{s2,s4,l32} exist
 *   npx tsx bench/gas/run.ts --estimate   without the circuits: submitRoot with ExpectInputsVerifier, its verifyProof
 *                                         swapped for the measured verifyProof of a real 3-signal verifier (an
 *                                         ESTIMATE, labelled as such in the output)
 *
 * Prints JSON and writes bench/results/gas.json: deployment, InteropHub.submitRoot per shape for 1, 2, 16 and 32
 * batch roots of one and of two chains (gas, gas per batch root, calldata), executeMessage for the first message of
 * a batch (full Poseidon paths) and a later one (batch cached), sendMessage, bridge and the token deliveries.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFunctionData, hexToBytes, toHex, type Address, type Hex, type TransactionReceipt } from 'viem';
import {
  AggregationState,
  BatchTree,
  buildInclusionProof,
  CHAIN_DEPTH,
  messageLeaf,
  MessageKind,
  PRODUCTION_SHAPES,
  SHARED_DEPTH,
  type InteropMessage,
} from '@interop/protocol';
import {
  aggregationVerifierBytecode,
  deployAggregationVerifier,
  deployContract,
  deployInteropHub,
  deployL2Stack,
  ensurePoseidonLibraries,
  interopCenterAbi,
  interopHandlerAbi,
  interopHubAbi,
  nativeTokenVaultAbi,
  aggregationVerifierAbi,
  type SolidityProofArgs,
} from '@interop/contracts';
import { ANVIL_PRIVATE_KEYS } from '../../libs/infra/src/testing/anvil';
import {
  argsOf,
  NO_PROOF,
  operatorSigner,
  prepareEpoch,
  rootOf,
  type BatchSpec,
} from '../../contracts/test/helpers/epochs';
import { deployFixture, fixtureAbi } from '../../contracts/test/helpers/fixtures';
import { NETWORK_DEPTHS, sentMessages } from '../../contracts/test/helpers/network';
import { circuitBuilt, shapeProver, type ShapeName } from '../../contracts/test/helpers/realProof';
import { startTestChain, type TestChain } from '../../contracts/test/helpers/testChain';

const L1 = 900;
const A = 501;
const B = 502;
const X = 601n;
const Y = 602n;
const KEYS = new Map<bigint, Hex>([
  [X, ANVIL_PRIVATE_KEYS[1]],
  [Y, ANVIL_PRIVATE_KEYS[2]],
]);
const SHAPE_NAMES: ShapeName[] = ['s2', 's4', 'l32'];
/** The real 3-signal verifier whose verifyProof gas the estimate uses (old keys: same code size and signal count). */
const ESTIMATE_VERIFIER = 'test';
/** v1 figures (bench/results/gas.json of 2026-11-24, real proof of the v1 test circuit, K = 2). */
const V1 = { oneUpdate: 398_838, twoUpdates: 473_042, perExtraBatchRoot: 473_042 - 398_838 };

type Run = { label: string; chains: number; batches: BatchSpec[] };

async function mined(chain: TestChain, hash: Hex): Promise<TransactionReceipt> {
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`transaction ${hash} reverted`);
  return receipt;
}

const positions = new Map<bigint, number>();
/** The next `n` batches of `chainId` (per-hub positions are reset by `resetPositions`). */
function take(chainId: bigint, n: number): BatchSpec[] {
  const from = positions.get(chainId) ?? 0;
  positions.set(chainId, from + n);
  return Array.from({ length: n }, (_, i) => ({ chainId, batchRoot: rootOf(`gas ${chainId}/${from + i}`) }));
}

/**
 * The measured epochs of a shape, in an order that keeps every group inside its aligned block. The first epoch
 * writes each chain's batch number for the first time (cold storage); the others are the steady state.
 */
function runsOf(shape: ShapeName): Run[] {
  positions.clear();
  const run = (label: string, ...parts: [bigint, number][]): Run => ({
    label,
    chains: new Set(parts.map(([c]) => c)).size,
    batches: parts.flatMap(([c, n]) => take(c, n)),
  });
  if (shape === 's2') {
    return [
      // Batches 0-1 fill block [0, 2); 2 starts the next block (a group never crosses one).
      run('first epoch of 1 chain x 2 (cold)', [X, 2]),
      run('1 chain x 1', [X, 1]),
      run('1 chain x 1 (end of its block)', [X, 1]),
    ];
  }
  if (shape === 's4') {
    return [
      run('first epoch of 2 chains x 1 (cold)', [X, 1], [Y, 1]),
      run('2 chains x 1', [X, 1], [Y, 1]),
      run('2 chains x 2', [X, 2], [Y, 2]),
      run('1 chain x 2', [X, 2]),
      run('1 chain x 1', [X, 1]),
    ];
  }
  return [
    run('first epoch of 2 chains x 16 (cold)', [X, 16], [Y, 16]),
    run('2 chains x 16', [X, 16], [Y, 16]),
    run('1 chain x 32 (two groups)', [X, 32]),
    run('1 chain x 16', [X, 16]),
    run('2 chains x 8', [X, 8], [Y, 8]),
    run('1 chain x 2', [X, 2]),
    run('2 chains x 1', [X, 1], [Y, 1]),
    run('1 chain x 1', [X, 1]),
  ];
}

function calldataOf(input: Hex): { bytes: number; gas: number } {
  const bytes = hexToBytes(input);
  return { bytes: bytes.length, gas: bytes.reduce((g, b) => g + (b === 0 ? 4 : 16), 0) };
}

/** verifyProof gas (inside a transaction, cold address) of `verifier` for a structurally valid proof. */
async function verifyProofGas(l1: TestChain, probe: Address, verifier: Address): Promise<bigint> {
  // G1 and G2 generators: every precompile runs on valid points, so the gas is that of any real proof (the
  // pairing's cost does not depend on its result).
  const g1: [bigint, bigint] = [1n, 2n];
  const g2: [[bigint, bigint], [bigint, bigint]] = [
    [
      11559732032986387107991004021392285783925812861821192530917403151452391805634n,
      10857046999023057135944570762232829481370756359578518086990519993285655852781n,
    ],
    [
      4082367875863433681332203403145435568316851327593401208105741076214120093531n,
      8495653923123431417604973247489272438418190587263600148770280649306958101930n,
    ],
  ];
  const [gas] = (await l1.publicClient.readContract({
    address: probe,
    abi: fixtureAbi('VerifierGasProbe'),
    functionName: 'measure',
    args: [verifier, g1, g2, g1, [1n, 2n, 3n]],
  })) as readonly [bigint, boolean];
  return gas;
}

async function benchSubmitRoot(l1: TestChain, estimate: boolean) {
  const deployer = { walletClient: l1.wallets[0]!, publicClient: l1.publicClient };
  const libs = await ensurePoseidonLibraries(deployer);
  const probe = await deployFixture(l1.wallets[0]!, l1.publicClient, 'VerifierGasProbe');
  let swap: { realVerifyProof: bigint; expectInputsVerifyProof: bigint; verifier: string } | undefined;
  if (estimate) {
    const { address: real } = await deployContract(deployer, {
      abi: aggregationVerifierAbi,
      bytecode: aggregationVerifierBytecode(ESTIMATE_VERIFIER),
      args: [],
      name: 'estimate verifier',
    });
    const expectInputs = await deployFixture(l1.wallets[0]!, l1.publicClient, 'ExpectInputsVerifier');
    swap = {
      realVerifyProof: await verifyProofGas(l1, probe, real),
      expectInputsVerifyProof: await verifyProofGas(l1, probe, expectInputs),
      verifier: `AggregationVerifier${ESTIMATE_VERIFIER.charAt(0).toUpperCase()}${ESTIMATE_VERIFIER.slice(1)} (3 public signals, snarkjs)`,
    };
  }
  const deployment: Record<string, bigint> = { poseidonLibraries: libs.gasUsed };
  const shapes: Record<string, unknown> = {};
  for (const name of SHAPE_NAMES) {
    const shape = PRODUCTION_SHAPES[name];
    const prover = estimate ? undefined : await shapeProver(name);
    try {
      const verifier = estimate
        ? { address: await deployFixture(l1.wallets[0]!, l1.publicClient, 'ExpectInputsVerifier'), gasUsed: 0n }
        : await deployAggregationVerifier(deployer, name);
      if (!estimate) deployment[`verifier_${name}`] = verifier.gasUsed;
      const hub = await deployInteropHub(deployer, {
        sharedDepth: SHARED_DEPTH,
        chainDepth: CHAIN_DEPTH,
        shapes: [{ groups: shape.k / shape.groupSize, groupSize: shape.groupSize, verifier: verifier.address }],
      });
      deployment.interopHub = hub.gasUsed;
      deployment.addShape = hub.shapesGasUsed;
      for (const [i, chainId] of [X, Y].entries()) {
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
      let state = new AggregationState({ chainDepth: CHAIN_DEPTH, sharedDepth: SHARED_DEPTH });
      const slots = new Map([
        [X, 0],
        [Y, 1],
      ]);
      const runs = [];
      let epoch = 0n;
      for (const run of runsOf(name)) {
        const e = await prepareEpoch({
          state,
          slots,
          shape,
          batches: run.batches,
          sign: operatorSigner(L1, hub.address, KEYS),
        });
        let proof: SolidityProofArgs = NO_PROOF;
        if (prover) {
          proof = (await prover.prove(e.step)).proof;
        } else {
          const s = e.step.publicSignals;
          await mined(
            l1,
            await l1.wallets[0]!.writeContract({
              address: verifier.address,
              abi: fixtureAbi('ExpectInputsVerifier'),
              functionName: 'expect',
              args: [[s.dataCommitment, s.challenge, s.evaluation]],
            }),
          );
        }
        epoch += 1n;
        const hash = await l1.wallets[0]!.writeContract({
          address: hub.address,
          abi: interopHubAbi,
          functionName: 'submitRoot',
          args: argsOf(e, epoch, proof),
        });
        const receipt = await mined(l1, hash);
        state = e.after;
        const tx = await l1.publicClient.getTransaction({ hash });
        const measured = receipt.gasUsed;
        const gas = swap ? measured - swap.expectInputsVerifyProof + swap.realVerifyProof : measured;
        const n = run.batches.length;
        runs.push({
          label: run.label,
          chains: run.chains,
          groups: e.step.groups.length,
          batchRoots: n,
          gas,
          gasPerBatchRoot: Math.round(Number(gas) / n),
          ...(swap ? { measuredWithExpectInputs: measured } : {}),
          calldata: calldataOf(tx.input),
        });
      }
      shapes[name] = {
        shapeId: (shape.k / shape.groupSize) * 2 ** 16 + shape.groupSize,
        k: shape.k,
        groupSize: shape.groupSize,
        runs,
      };
    } finally {
      await prover?.close();
    }
  }
  return {
    deployment,
    submitRoot: {
      mode: swap
        ? 'ESTIMATE (circuits/build/{s2,s4,l32} missing): submitRoot measured with ExpectInputsVerifier, its verifyProof ' +
          `(${swap.expectInputsVerifyProof} gas) replaced by the measured verifyProof of ${swap.verifier} ` +
          `(${swap.realVerifyProof} gas, valid curve points; a shape's verifier has the same 3 public signals)`
        : 'real Groth16 proofs of the production shapes (contracts/src/verifiers/AggregationVerifier{S2,S4,L32}.sol)',
      depths: { chainDepth: CHAIN_DEPTH, sharedDepth: SHARED_DEPTH },
      ...(swap ? { verifyProofGas: { real: swap.realVerifyProof, expectInputs: swap.expectInputsVerifyProof } } : {}),
      shapes,
      v1: { ...V1, note: 'protocol v1 (K = 2, PoseidonT6 commitment and a signature per update)' },
    },
  };
}

/** executeMessage gas for the 1st and the 2nd..nth message of one batch, at the production depths. */
async function benchExecute(b: TestChain, messages: number) {
  const depths = NETWORK_DEPTHS;
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
  const depths = NETWORK_DEPTHS;
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
  const batch = new BatchTree(ms.map(messageLeaf), depths.batchDepth);
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
  const backBatch = new BatchTree([messageLeaf(back!)], depths.batchDepth);
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
      note: 'production depths (16/20/10); the first delivery of a batch includes its Poseidon paths',
    },
  };
}

async function main(): Promise<void> {
  const estimate = process.argv.includes('--estimate');
  const missing = SHAPE_NAMES.filter((s) => !circuitBuilt(s));
  if (!estimate && missing.length > 0) {
    throw new Error(
      `bench/gas measures submitRoot with real proofs of the production shapes, but the circuit build is missing ` +
        `for ${missing.map((s) => `circuits/build/${s}`).join(', ')} (build the shapes with npm run build:circuits); ` +
        `npx tsx bench/gas/run.ts --estimate measures without them (labelled as an estimate)`,
    );
  }
  const [l1, a, b, b2] = await Promise.all([
    startTestChain(L1),
    startTestChain(A),
    startTestChain(B),
    startTestChain(B),
  ]);
  try {
    const hub = await benchSubmitRoot(l1, estimate);
    const l2 = await benchL2(a, b);
    const execute = await benchExecute(b2, 4);
    const result = {
      measuredAt: new Date().toISOString(),
      tool: 'anvil (automine), solc-js 0.8.37 optimizer 200 runs, evm cancun',
      command: `npx tsx bench/gas/run.ts${estimate ? ' --estimate' : ''}`,
      deployment: { ...hub.deployment, ...l2.deployment },
      submitRoot: hub.submitRoot,
      executeMessage: execute,
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
    await Promise.all([l1.stop(), a.stop(), b.stop(), b2.stop()]);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
