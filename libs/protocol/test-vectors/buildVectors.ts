/**
 * Builds every test vector file from the library (pure, deterministic). `generate.ts` writes them; the unit test
 * `vectors.spec.ts` fails when the committed files differ from what this builds now. Format: README.md here.
 */
import { domainSeparator, hashStruct, hashTypedData, keccak256, toHex, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  AggregationState,
  assetIdOf,
  BatchTree,
  batchLeaf,
  batchZeroHashes,
  ChainTree,
  chainLeaf,
  computeInteropFee,
  encodeInclusionProof,
  encodeMessage,
  encodeTokenPayload,
  inclusionProofToJson,
  interopHubDomain,
  interopMessageToJson,
  messageLeaf,
  MessageKind,
  poseidon,
  poseidonZeroHashes,
  PRODUCTION_DEPTHS,
  SharedTree,
  TEST_DEPTHS,
  PRODUCTION_SHAPES,
  publicSignalsList,
  shapeId,
  toField,
  batchRootTypes,
  chainRegistrationTypes,
  buildInclusionProof,
  type InteropMessage,
  type TreeDepths,
  type Update,
  type GroupWitness,
} from '../src';
import { ANVIL_ADDRESS_0, ANVIL_KEY_0, sampleMessage } from '../src/testing/fixtures';
import { buildScenario } from '../src/testing/scenario';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Deterministic pseudo-random field elements (keccak counter mode), so vectors never depend on Math.random. */
function fieldStream(seed: string): () => bigint {
  let i = 0;
  return () => toField(keccak256(toHex(`${seed}:${i++}`)));
}
const dec = (xs: readonly bigint[]): string[] => xs.map((x) => x.toString());
const root32 = (n: number): Hex => keccak256(toHex(`batch-root-${n}`));

function poseidonVectors(): Json {
  const next = fieldStream('poseidon');
  const cases: Json[] = [];
  for (const arity of [2, 3, 5]) {
    const inputsList: bigint[][] = [
      Array.from({ length: arity }, (_, i) => BigInt(i + 1)),
      Array.from({ length: arity }, () => 0n),
      Array.from(
        { length: arity },
        () => 21888242871839275222246405745257275088548364400416034343698204186575808495616n,
      ),
      ...Array.from({ length: 4 }, () => Array.from({ length: arity }, next)),
    ];
    for (const inputs of inputsList) cases.push({ arity, inputs: dec(inputs), output: poseidon(inputs).toString() });
  }
  return { description: 'circomlib Poseidon over BN254 Fr; inputs and output as decimal strings', cases };
}

function messageVectors(): Json {
  const vault = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
  const token = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';
  const tokenPayload = {
    originChainId: 31337n,
    originVault: vault,
    originToken: token,
    name: 'Test Token',
    symbol: 'TST',
    decimals: 18,
  } as const;
  const U64 = 2n ** 64n - 1n;
  const cases: [string, InteropMessage][] = [
    ['call', sampleMessage()],
    ['call-empty-payload', sampleMessage({ payload: '0x', nonce: 1n })],
    ['call-long-payload', sampleMessage({ payload: toHex(new Uint8Array(1000).map((_, i) => i % 256)), nonce: 2n })],
    [
      'token',
      sampleMessage({
        kind: MessageKind.TOKEN,
        payload: encodeTokenPayload(tokenPayload),
        assetId: assetIdOf(31337n, vault, token),
        amount: 10n ** 21n,
        nonce: 3n,
      }),
    ],
    [
      'max-values',
      sampleMessage({
        srcChainId: U64,
        dstChainId: U64,
        nonce: U64,
        amount: 2n ** 256n - 1n,
        fee: 2n ** 256n - 1n,
        gasLimit: U64,
        kind: MessageKind.TOKEN,
        assetId: `0x${'ff'.repeat(32)}`,
        payload: '0xff',
      }),
    ],
  ];
  return {
    description: 'InteropMessage: JSON form, abi.encode(m) and leaf = keccak256(abi.encode(m))',
    tokenPayload: {
      fields: { ...tokenPayload, originChainId: tokenPayload.originChainId.toString() },
      encoded: encodeTokenPayload(tokenPayload),
    },
    cases: cases.map(([name, m]) => ({
      name,
      message: interopMessageToJson(m),
      encoded: encodeMessage(m),
      leaf: messageLeaf(m),
    })),
  };
}

function batchTreeVectors(): Json {
  const cases: Json[] = [];
  for (const [depth, count] of [
    [16, 1],
    [16, 3],
    [16, 5],
    [4, 16],
  ] as const) {
    const leaves = Array.from({ length: count }, (_, i) => keccak256(toHex(`message-${depth}-${i}`)));
    const tree = new BatchTree(leaves, depth);
    cases.push({
      depth,
      leaves,
      root: tree.root,
      proofs: leaves.map((_, i) => {
        const p = tree.proof(i);
        return { index: i, leaf: p.leaf, siblings: p.siblings };
      }),
    });
  }
  return {
    description: 'keccak batch tree: node = keccak256(left ‖ right), empty leaf bytes32(0)',
    zeroHashes: batchZeroHashes(16) as unknown as Json,
    cases,
  };
}

function chainTreeVectors(): Json {
  const instance = (depth: number, count: number): Json => {
    const tree = new ChainTree(depth);
    const batches = Array.from({ length: count }, (_, n) => ({ batchRoot: root32(n), batchNumber: BigInt(n) }));
    for (const b of batches) tree.append(batchLeaf(b.batchRoot, b.batchNumber));
    const proofs: Json[] = [];
    for (let size = 1; size <= count; size++) {
      for (let index = 0; index < size; index++) {
        if (depth > 3 && index !== 0 && index !== size - 1) continue; // keep the production file small
        const p = tree.proof(index, size);
        proofs.push({
          index,
          atSize: size,
          leaf: p.leaf.toString(),
          siblings: dec(p.siblings),
          root: p.root.toString(),
        });
      }
    }
    return {
      depth,
      zeroHashes: dec(poseidonZeroHashes(depth)),
      batches: batches.map((b) => ({
        batchRoot: b.batchRoot,
        batchRootField: toField(b.batchRoot).toString(),
        batchNumber: b.batchNumber.toString(),
        batchLeaf: batchLeaf(b.batchRoot, b.batchNumber).toString(),
      })),
      rootsBySize: Array.from({ length: count + 1 }, (_, s) => tree.rootAt(s).toString()),
      proofs,
    };
  };
  return {
    description: 'Poseidon chain tree: leaf = P3(1, toField(batchRoot), batchNumber), node = P2(l, r), empty leaf 0',
    test: instance(3, 6),
    production: instance(20, 5),
  };
}

function sharedTreeVectors(): Json {
  const instance = (depth: number, slots: number[]): Json => {
    const tree = new SharedTree(depth);
    const sets = slots.map((slot, i) => {
      const chainId = 31337n + BigInt(slot);
      const chainRoot = toField(keccak256(toHex(`chain-root-${i}`)));
      const leaf = chainLeaf(chainRoot, chainId);
      tree.set(slot, leaf);
      return {
        slot,
        chainId: chainId.toString(),
        chainRoot: chainRoot.toString(),
        leaf: leaf.toString(),
        root: tree.root.toString(),
      };
    });
    const used = [...new Set(slots), ...(depth <= 2 ? [...Array(2 ** depth).keys()] : [])];
    return {
      depth,
      zeroHashes: dec(poseidonZeroHashes(depth)),
      genesisRoot: (poseidonZeroHashes(depth)[depth] as bigint).toString(),
      sets,
      root: tree.root.toString(),
      proofs: [...new Set(used)]
        .sort((a, b) => a - b)
        .map((slot) => {
          const p = tree.proof(slot);
          return { slot, leaf: p.leaf.toString(), siblings: dec(p.siblings) };
        }),
    };
  };
  return {
    description: 'Poseidon shared tree: leaf = P3(2, chainRoot, chainId), empty slot 0; `sets` applied in order',
    test: instance(2, [0, 2, 0]),
    production: instance(10, [0, 1, 513, 1023, 1]),
  };
}

function witnessJson(w: GroupWitness): Json {
  return {
    enabled: w.enabled,
    slot: w.slot,
    chainId: w.chainId.toString(),
    firstBatch: w.firstBatch.toString(),
    batchRootFields: dec(w.batchRootFields),
    lowSiblings: dec(w.lowSiblings),
    upperSiblings: dec(w.upperSiblings),
    sharedSiblings: dec(w.sharedSiblings),
  };
}

/** Steps of one shape, applied in order from genesis (chain A in slot 0, B in slot 1, C in slot 3). */
function aggregationShapeVectors(name: string, shape: { k: number; groupSize: number }, stepsInput: Update[][]): Json {
  const state = new AggregationState(PRODUCTION_DEPTHS);
  const steps = stepsInput.map((updates, i) => {
    const r = state.apply(updates, shape);
    return {
      epoch: i + 1,
      updates: updates.map((u) => ({ ...u, chainId: u.chainId.toString(), batchNumber: u.batchNumber.toString() })),
      oldRoot: r.oldRoot.toString(),
      newRoot: r.newRoot.toString(),
      groups: r.groups.map((g) => ({
        slot: g.slot,
        chainId: g.chainId.toString(),
        firstBatch: g.firstBatch.toString(),
        chainRoot: g.chainRoot.toString(),
        batchRoots: g.batchRoots,
      })),
      chainRoots: dec(r.chainRoots),
      data: dec(r.data),
      publicSignals: publicSignalsList(r.publicSignals),
      witnesses: r.witnesses.map(witnessJson),
    };
  });
  return {
    name,
    k: shape.k,
    groupSize: shape.groupSize,
    groups: shape.k / shape.groupSize,
    shapeId: shapeId(shape),
    steps,
  };
}

function aggregationVectors(): Json {
  const A = 31337n;
  const B = 31338n;
  const C = 31339n;
  let n = 100;
  const u = (slot: number, chainId: bigint, batchNumber: number): Update => ({
    slot,
    chainId,
    batchNumber: BigInt(batchNumber),
    batchRoot: root32(n++),
  });
  const range = (slot: number, chainId: bigint, from: number, to: number): Update[] =>
    Array.from({ length: to - from }, (_, i) => u(slot, chainId, from + i));
  // A batch root >= r (toField reduces it) as the first batch of a new chain in slot 3.
  const big: Update = { slot: 3, chainId: C, batchNumber: 0n, batchRoot: `0x${'ff'.repeat(32)}` };
  const s4 = aggregationShapeVectors('s4', PRODUCTION_SHAPES.s4, [
    [u(0, A, 0), u(1, B, 0)],
    [u(0, A, 1)],
    // B1 ends block [0, 2), B2 starts [2, 4): two groups of one chain (only the last one is signed on L1).
    [u(1, B, 1), u(1, B, 2)],
    [big],
  ]);
  n = 300;
  const s2 = aggregationShapeVectors('s2', PRODUCTION_SHAPES.s2, [
    [u(0, A, 0), u(0, A, 1)],
    [u(1, B, 0)],
    // A2 starts block [2, 4) at offset 0; the group holds one batch and a padding slot.
    [u(0, A, 2)],
  ]);
  n = 500;
  const l32 = aggregationShapeVectors('l32', PRODUCTION_SHAPES.l32, [
    [...range(0, A, 0, 16), ...range(1, B, 0, 5)],
    [...range(0, A, 16, 21), big],
    // B5..B15 end block [0, 16); B16..B20 start the next one.
    [...range(1, B, 5, 21)],
  ]);
  return {
    description:
      'aggregation steps per production epoch shape, applied in order from the genesis root (SPEC "Aggregation ' +
      'step", "Epoch data"); witnesses per group of `groupSize` update slots',
    chainDepth: PRODUCTION_DEPTHS.chainDepth,
    sharedDepth: PRODUCTION_DEPTHS.sharedDepth,
    genesisRoot: (
      poseidonZeroHashes(PRODUCTION_DEPTHS.sharedDepth)[PRODUCTION_DEPTHS.sharedDepth] as bigint
    ).toString(),
    shapes: [s2, s4, l32],
  };
}

function inclusionVectors(depths: TreeDepths, epochs: number): Json[] {
  const scenario = buildScenario({ depths, chains: 3, epochs, messagesPerBatch: 3 });
  const picks = [
    { batch: 0, msg: 0, epoch: 0 },
    { batch: 0, msg: 2, epoch: epochs - 1 },
    { batch: 3 * (epochs - 1) + 2, msg: 1, epoch: epochs - 1 },
  ];
  return picks.map(({ batch, msg, epoch }) => {
    const b = scenario.batches[batch]!;
    const e = scenario.epochs[epoch]!;
    const message = b.messages[msg]!;
    const chainTree = scenario.state.chainTree(b.chainId)!;
    const chainSize = e.chainSizes.get(b.chainId)!;
    const proof = buildInclusionProof({
      message,
      batch: b.tree,
      batchNumber: b.batchNumber,
      chainTree,
      chainSizeAtEpoch: chainSize,
      sharedTree: e.sharedTree,
      slot: Number(b.chainId - 31337n),
      epoch: e.epoch,
    });
    return {
      depths: { ...depths },
      sharedRoot: e.sharedTree.root.toString(),
      sharedRootBytes32: toHex(e.sharedTree.root, { size: 32 }),
      messageLeaf: messageLeaf(message),
      batchRoot: b.tree.root,
      chainRoot: chainTree.rootAt(chainSize).toString(),
      json: inclusionProofToJson(message, proof),
      compact: encodeInclusionProof(message, proof),
    };
  });
}

function feeVectors(): Json {
  const cases = [
    [{ baseFee: 0n, perByteFee: 0n, dstGasPrice: 0n, exchangeRateE18: 0n }, 0n, 0n],
    [{ baseFee: 1000n, perByteFee: 16n, dstGasPrice: 1_000_000_000n, exchangeRateE18: 10n ** 18n }, 100n, 200_000n],
    [{ baseFee: 0n, perByteFee: 0n, dstGasPrice: 1n, exchangeRateE18: 1n }, 0n, 1n],
    [{ baseFee: 5n, perByteFee: 3n, dstGasPrice: 7n, exchangeRateE18: 333333333333333333n }, 10n, 3n],
    [
      { baseFee: 10n ** 15n, perByteFee: 10n ** 9n, dstGasPrice: 30n * 10n ** 9n, exchangeRateE18: 2n * 10n ** 18n },
      4096n,
      1_000_000n,
    ],
  ] as const;
  return {
    description: 'fee = baseFee + perByteFee * payloadLength + ceilDiv(gasLimit * dstGasPrice * exchangeRateE18, 1e18)',
    cases: cases.map(([params, payloadLength, gasLimit]) => ({
      params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.toString()])),
      payloadLength: payloadLength.toString(),
      gasLimit: gasLimit.toString(),
      fee: computeInteropFee(params, payloadLength, gasLimit).toString(),
    })),
  };
}

function assetIdVectors(): Json {
  const cases = [
    [31337n, '0x5FbDB2315678afecb367f032d93F642f64180aa3', '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512'],
    [1n, '0x0000000000000000000000000000000000000000', '0x0000000000000000000000000000000000000000'],
    [2n ** 64n - 1n, '0xffffffffffffffffffffffffffffffffffffffff', '0x0000000000000000000000000000000000000001'],
  ] as const;
  return {
    description: 'assetId = keccak256(abi.encode(uint256 originChainId, address vault, address token))',
    cases: cases.map(([originChainId, vault, token]) => ({
      originChainId: originChainId.toString(),
      vault,
      token,
      assetId: assetIdOf(originChainId, vault, token),
    })),
  };
}

async function eip712Vectors(): Promise<Json> {
  const domain = interopHubDomain(31337n, '0x5FbDB2315678afecb367f032d93F642f64180aa3');
  const account = privateKeyToAccount(ANVIL_KEY_0);
  const batchRoots = [
    {
      chainId: 31338n,
      batchNumber: 0n,
      batchRoot: root32(1),
      chainRoot: toHex(chainRootAfter([root32(1)]), { size: 32 }),
      messageCount: 1,
      firstBlock: 1n,
      lastBlock: 5n,
    },
    {
      chainId: 31339n,
      batchNumber: 7n,
      batchRoot: root32(2),
      chainRoot: toHex(poseidon([5n, 6n]), { size: 32 }),
      messageCount: 65536,
      firstBlock: 100n,
      lastBlock: 250n,
    },
  ];
  const registrations = [{ chainId: 31338n, name: 'alpha', operator: ANVIL_ADDRESS_0 as Hex }];
  return {
    description: 'EIP-712 digests and signatures by anvil key 0 (0xf39F...2266) over the InteropHub domain',
    domain: {
      name: 'InteropHub',
      version: '2',
      chainId: String(domain.chainId),
      verifyingContract: domain.verifyingContract ?? null,
    },
    domainSeparator: domainSeparator({ domain }),
    typeStrings: {
      BatchRoot:
        'BatchRoot(uint64 chainId,uint64 batchNumber,bytes32 batchRoot,bytes32 chainRoot,uint32 messageCount,uint64 firstBlock,uint64 lastBlock)',
      ChainRegistration: 'ChainRegistration(uint64 chainId,string name,address operator)',
    },
    typeHashes: {
      BatchRoot: keccak256(
        toHex(
          'BatchRoot(uint64 chainId,uint64 batchNumber,bytes32 batchRoot,bytes32 chainRoot,uint32 messageCount,uint64 firstBlock,uint64 lastBlock)',
        ),
      ),
      ChainRegistration: keccak256(toHex('ChainRegistration(uint64 chainId,string name,address operator)')),
    },
    signer: account.address,
    batchRoots: await Promise.all(
      batchRoots.map(async (m) => ({
        message: {
          ...m,
          chainId: m.chainId.toString(),
          batchNumber: m.batchNumber.toString(),
          firstBlock: m.firstBlock.toString(),
          lastBlock: m.lastBlock.toString(),
        },
        structHash: hashStruct({ data: m, primaryType: 'BatchRoot', types: batchRootTypes }),
        digest: hashTypedData({ domain, types: batchRootTypes, primaryType: 'BatchRoot', message: m }),
        signature: await account.signTypedData({ domain, types: batchRootTypes, primaryType: 'BatchRoot', message: m }),
      })),
    ),
    chainRegistrations: await Promise.all(
      registrations.map(async (m) => ({
        message: { ...m, chainId: m.chainId.toString() },
        structHash: hashStruct({ data: m, primaryType: 'ChainRegistration', types: chainRegistrationTypes }),
        digest: hashTypedData({ domain, types: chainRegistrationTypes, primaryType: 'ChainRegistration', message: m }),
        signature: await account.signTypedData({
          domain,
          types: chainRegistrationTypes,
          primaryType: 'ChainRegistration',
          message: m,
        }),
      })),
    ),
  };
}

/** Root of a production-depth chain tree holding `roots` as batches 0, 1, ... */
function chainRootAfter(roots: Hex[]): bigint {
  const tree = new ChainTree(PRODUCTION_DEPTHS.chainDepth);
  roots.forEach((r, i) => tree.append(batchLeaf(r, BigInt(i))));
  return tree.root;
}

/** File name -> its JSON content. */
export async function buildVectors(): Promise<Record<string, Json>> {
  const files: Record<string, Json> = {
    'poseidon.json': poseidonVectors(),
    'messages.json': messageVectors(),
    'batch-tree.json': batchTreeVectors(),
    'chain-tree.json': chainTreeVectors(),
    'shared-tree.json': sharedTreeVectors(),
    'aggregation.json': aggregationVectors(),
    'inclusion-proof.json': {
      description: 'messages with inclusion proofs: JSON form and compact bytes abi.encode(uint8(1), m, p)',
      test: inclusionVectors(TEST_DEPTHS, 3),
      production: inclusionVectors(PRODUCTION_DEPTHS, 2),
    },
    'fees.json': feeVectors(),
    'asset-ids.json': assetIdVectors(),
    'eip712.json': await eip712Vectors(),
  };
  return files;
}
