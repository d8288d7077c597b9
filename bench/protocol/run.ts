/**
 * Protocol library benchmarks. Run: `npx tsx bench/protocol/run.ts`. Prints JSON and writes
 * bench/results/protocol.json. Alternatives are measured side by side, interleaved in 50 ms slices, so each sees the
 * same machine load (the host is shared); the load average is recorded at the start and the end. The whole run
 * stays around 40 s.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { WasmFactory } from '@lightprotocol/hasher.rs';
import { poseidon as railgunPoseidon } from '@railgun-community/poseidon-hash-wasm';
import { buildPoseidon } from 'circomlibjs';
import { poseidon2 as lite2, poseidon3 as lite3, poseidon5 as lite5 } from 'poseidon-lite';
import { concat, encodeAbiParameters, keccak256, type Hex } from 'viem';
import {
  buildInclusionProof,
  buildInclusionProofs,
  ChainTree,
  CHAIN_DEPTH,
  encodeInclusionProof,
  IncrementalPoseidonTree,
  inclusionProofToJson,
  interopMessageAbiParameter,
  messageLeaf,
  poseidon,
  PRODUCTION_DEPTHS,
  SHARED_DEPTH,
  SharedTree,
  verifyInclusionProof,
  type InclusionProof,
  type InteropMessage,
} from '../../libs/protocol/src';
import { keccakPair } from '../../libs/protocol/src/bytes/keccak';
import { poseidonReference } from '../../libs/protocol/src/poseidon/reference/poseidonReference';
import { sampleMessage } from '../../libs/protocol/src/testing/fixtures';
import { buildScenario, type ScenarioBatch, type ScenarioEpoch } from '../../libs/protocol/src/testing/scenario';

/**
 * The figures of the last run before the capacity work (bench/results/protocol.json at f15c7e8, 2026-11-24, load
 * 4.8, same command): own TS Poseidon, viem ABI leaves, a ChainTree append that folded its root every time, one
 * proof per call recomputing the chain path, verification without memory.
 */
const BEFORE = {
  date: '2026-11-24T01:26:27.012Z',
  loadAverage1m: 4.8,
  poseidonHashesPerSecond: { arity2: 3644, arity3: 2284, arity5: 1768 },
  circomlibjsHashesPerSecond: { arity2: 8387, arity3: 5902, arity5: 3869 },
  keccakLeavesPerSecond: 4122,
  chainTreeAppendsPerSecond: { depth: 20, perSecond: 151 },
  inclusionProofs: { builtPerSecond: 98, verifiedPerSecond: 100 },
};

const SLICE_MS = 50;
const WARMUP_MS = 250;

/**
 * Runs each function for about `budgetMs / fns.length`, alternating 50 ms slices between them after a 250 ms warm-up
 * each; returns the operations per second of each (an operation is one call, or `weights[k]` units for function k).
 */
function interleaved(fns: ((i: number) => unknown)[], budgetMs: number, weights: number[] = []): number[] {
  // Warm-up: V8 first runs JS and WASM on baseline tiers and optimises hot code in the background.
  for (const fn of fns) {
    const start = performance.now();
    for (let i = 0; performance.now() - start < WARMUP_MS; i++) fn(i);
  }
  const counts = fns.map(() => 0);
  const times = fns.map(() => 0);
  const rounds = Math.max(1, Math.round(budgetMs / SLICE_MS / fns.length));
  for (let round = 0; round < rounds; round++) {
    fns.forEach((fn, k) => {
      // Calls are numbered on across slices, so each function keeps seeing new inputs.
      const start = performance.now();
      let n = counts[k] as number;
      while (performance.now() - start < SLICE_MS) fn(n++);
      counts[k] = n;
      times[k] = (times[k] as number) + performance.now() - start;
    });
  }
  return counts.map((n, k) => Math.round(((n * (weights[k] ?? 1)) / (times[k] as number)) * 1000));
}

const inputs = (arity: number, i: number): bigint[] =>
  Array.from({ length: arity }, (_, k) => BigInt(i) * 1_000_003n + BigInt(k) * 7919n + 123456789n);

type Hasher = { name: string; note: string; hash: (xs: bigint[]) => bigint };

async function poseidonLibraries(): Promise<Record<string, unknown>> {
  const circomlib = await buildPoseidon();
  const light = await WasmFactory.getInstance();
  const lite: Record<number, (xs: bigint[]) => bigint> = { 2: lite2, 3: lite3, 5: lite5 };
  const hashers: Hasher[] = [
    {
      name: 'libs/protocol poseidon()',
      note: "kept: circomlibjs' Poseidon WASM built synchronously, limbs written into its memory (poseidonWasm.ts)",
      hash: (xs) => poseidon(xs),
    },
    {
      name: 'own TS (before)',
      note: 'BigInt arithmetic, now libs/protocol/src/poseidon/reference (tests only)',
      hash: poseidonReference,
    },
    {
      name: 'circomlibjs buildPoseidon()',
      note: 'async init; same WASM through ffjavascript field objects',
      hash: (xs) => circomlib.F.toObject(circomlib(xs)),
    },
    {
      name: 'poseidon-lite',
      note: 'pure JS BigInt',
      hash: (xs) => (lite[xs.length] as (xs: bigint[]) => bigint)(xs),
    },
    {
      name: '@lightprotocol/hasher.rs',
      note: 'Rust WASM, async init; decimal strings in and out',
      hash: (xs) => BigInt(light.poseidonHashString(xs.map(String))),
    },
    {
      name: '@railgun-community/poseidon-hash-wasm',
      note: 'Rust WASM, sync; hex strings in and out',
      hash: (xs) => railgunPoseidon(xs),
    },
  ];
  // Correctness first: a library that does not reproduce circomlib's Poseidon could not be kept.
  const known = 7853200120776062878684798364095072458815029376092732009249414926327459813530n;
  const matches = hashers.map(
    (h) =>
      h.hash([1n, 2n]) === known &&
      [2, 3, 5].every((a) => [0, 1, 2].every((i) => h.hash(inputs(a, i)) === poseidonReference(inputs(a, i)))),
  );
  const perSecond: Record<string, Record<string, number>> = {};
  for (const h of hashers) perSecond[h.name] = {};
  for (const arity of [2, 3, 5]) {
    const rates = interleaved(
      hashers.map((h) => (i: number) => h.hash(inputs(arity, i))),
      hashers.length * 600,
    );
    hashers.forEach((h, k) => ((perSecond[h.name] as Record<string, number>)[`arity${arity}`] = rates[k] as number));
  }
  return Object.fromEntries(
    hashers.map((h, k) => [h.name, { ...perSecond[h.name], matchesCircomlib: matches[k], note: h.note }]),
  );
}

function leafEncodings(): Record<string, unknown> {
  const messages = Array.from({ length: 64 }, (_, i) => sampleMessage({ nonce: BigInt(i), fee: BigInt(i) * 997n }));
  const viemLeaf = (m: InteropMessage): Hex => keccak256(encodeAbiParameters([interopMessageAbiParameter], [m]));
  for (const m of messages) if (viemLeaf(m) !== messageLeaf(m)) throw new Error('leaf encodings differ');
  const [before, after] = interleaved(
    [(i) => viemLeaf(messages[i % 64] as InteropMessage), (i) => messageLeaf(messages[i % 64] as InteropMessage)],
    1600,
  );
  const a = keccak256('0x01');
  const b = keccak256('0x02');
  if (keccak256(concat([a, b])) !== keccakPair(a, b)) throw new Error('node hashes differ');
  const [nodeBefore, nodeAfter] = interleaved([() => keccak256(concat([a, b])), () => keccakPair(a, b)], 1000);
  return {
    messageLeavesPerSecond: { 'viem encodeAbiParameters + keccak256 (before)': before, 'hand-packed + js-sha3': after },
    batchTreeNodesPerSecond: { 'viem concat + keccak256 (before)': nodeBefore, 'js-sha3 on 64 bytes': nodeAfter },
  };
}

function treeAppends(): Record<string, unknown> {
  // Fresh trees per slice would measure construction; one tree each keeps growing (2^20 leaves is far away).
  const chainOnly = new ChainTree(CHAIN_DEPTH);
  const chainWithRoot = new ChainTree(CHAIN_DEPTH);
  const frontier = new IncrementalPoseidonTree(CHAIN_DEPTH);
  const shared = new SharedTree(SHARED_DEPTH);
  const [appendOnly, appendAndRoot, incremental, sharedSets] = interleaved(
    [
      (i) => chainOnly.append(BigInt(i) + 1n),
      (i) => {
        chainWithRoot.append(BigInt(i) + 1n);
        return chainWithRoot.root;
      },
      (i) => {
        frontier.append(BigInt(i) + 1n);
        return frontier.root;
      },
      (i) => shared.set(i % 1024, BigInt(i) + 1n),
    ],
    4000,
  );
  return {
    depth: CHAIN_DEPTH,
    chainTreeAppendsPerSecond: appendOnly,
    chainTreeAppendsWithRootPerSecond: appendAndRoot,
    incrementalTreeAppendsWithRootPerSecond: incremental,
    sharedTreeSetsPerSecond: { depth: SHARED_DEPTH, perSecond: sharedSets },
    note:
      'an append now closes only the subtrees it completes (amortised one hash); the root is folded when read ' +
      '(at most depth hashes, once per size). Before, every append folded the root: 151/s at depth 20.',
  };
}

type Case = { batch: ScenarioBatch; epoch: ScenarioEpoch };

function inclusionProofs(): Record<string, unknown> {
  // Production depths: 4 chains, 3 epochs, 64 messages per batch; proofs against the last epoch.
  const messagesPerBatch = 64;
  const scenario = buildScenario({ depths: PRODUCTION_DEPTHS, chains: 4, epochs: 3, messagesPerBatch });
  const epoch = scenario.epochs[scenario.epochs.length - 1] as ScenarioEpoch;
  const common = ({ batch }: Case, leaves?: readonly Hex[]) => ({
    batch: leaves ?? batch.tree,
    batchNumber: batch.batchNumber,
    chainTree: scenario.state.chainTree(batch.chainId) as ChainTree,
    chainSizeAtEpoch: epoch.chainSizes.get(batch.chainId) as number,
    sharedTree: epoch.sharedTree,
    slot: Number(batch.chainId - 31337n),
    epoch: epoch.epoch,
  });
  const batches = scenario.batches;
  const leavesOf = new Map(batches.map((b) => [b, b.messages.map(messageLeaf)]));
  const pick = (i: number): Case => ({ batch: batches[i % batches.length] as ScenarioBatch, epoch });
  const [perMessageTree, perMessageLeaves, batched] = interleaved(
    [
      // One call per message with the batch tree at hand (what this benchmark measured before).
      (i) => {
        const c = pick(i);
        return buildInclusionProof({ ...common(c), message: c.batch.messages[i % messagesPerBatch] as InteropMessage });
      },
      // One call per message from the batch's leaf list (what apps/bridge TreeStateService.proof does).
      (i) => {
        const c = pick(i);
        return buildInclusionProof({
          ...common(c, leavesOf.get(c.batch)),
          message: c.batch.messages[i % messagesPerBatch] as InteropMessage,
        });
      },
      // The whole batch at once from its leaf list; counted per message.
      (i) => {
        const c = pick(i);
        return buildInclusionProofs({ ...common(c, leavesOf.get(c.batch)), messages: c.batch.messages });
      },
    ],
    4500,
    [1, 1, messagesPerBatch],
  );

  // Verification. Warm: other messages of the same few batches (the Poseidon part is remembered). Cold: every proof
  // from another batch, more batches than the memory holds, so each pays the full ~32 Poseidon hashes.
  const warm: { message: InteropMessage; proof: InclusionProof }[] = [];
  for (let i = 0; i < 256; i++) {
    const c = pick(i);
    const message = c.batch.messages[i % messagesPerBatch] as InteropMessage;
    warm.push({ message, proof: buildInclusionProof({ ...common(c), message }) });
  }
  const coldScenario = buildScenario({ depths: PRODUCTION_DEPTHS, chains: 4, epochs: 300, messagesPerBatch: 1 });
  const coldEpoch = coldScenario.epochs[coldScenario.epochs.length - 1] as ScenarioEpoch;
  const cold = coldScenario.batches.map((b) => {
    const message = b.messages[0] as InteropMessage;
    const proof = buildInclusionProof({
      message,
      batch: b.tree,
      batchNumber: b.batchNumber,
      chainTree: coldScenario.state.chainTree(b.chainId) as ChainTree,
      chainSizeAtEpoch: coldEpoch.chainSizes.get(b.chainId) as number,
      sharedTree: coldEpoch.sharedTree,
      slot: Number(b.chainId - 31337n),
      epoch: coldEpoch.epoch,
    });
    return { message, proof };
  });
  const root = epoch.sharedTree.root;
  const coldRoot = coldEpoch.sharedTree.root;
  const [verifiedWarm, verifiedCold] = interleaved(
    [
      (i) => {
        const { message, proof } = warm[i % warm.length] as (typeof warm)[number];
        return verifyInclusionProof(message, proof, root, PRODUCTION_DEPTHS);
      },
      (i) => {
        const { message, proof } = cold[i % cold.length] as (typeof cold)[number];
        return verifyInclusionProof(message, proof, coldRoot, PRODUCTION_DEPTHS);
      },
    ],
    3000,
  );
  const sample = warm[0] as (typeof warm)[number];
  return {
    depths: PRODUCTION_DEPTHS,
    messagesPerBatch,
    builtPerSecond: {
      'one call per message, batch tree given': perMessageTree,
      'one call per message, from the leaf list (the bridge today)': perMessageLeaves,
      'buildInclusionProofs, whole batch from the leaf list': batched,
    },
    verifiedPerSecond: {
      'other messages of a verified batch': verifiedWarm,
      'each proof from another batch (full cost)': verifiedCold,
    },
    coldBatches: cold.length,
    compactBytes: (encodeInclusionProof(sample.message, sample.proof).length - 2) / 2,
    jsonBytes: Buffer.byteLength(JSON.stringify(inclusionProofToJson(sample.message, sample.proof))),
    messagePayloadBytes: (sample.message.payload.length - 2) / 2,
  };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = loadavg().map(round1);
  const poseidonHashesPerSecond = await poseidonLibraries();
  const leaves = leafEncodings();
  const trees = treeAppends();
  const proofs = inclusionProofs();
  const result = {
    benchmark: 'libs/protocol',
    command: 'npx tsx bench/protocol/run.ts',
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage: { atStart: loadAtStart, atEnd: loadavg().map(round1), note: '1, 5 and 15 min' },
    poseidonHashesPerSecond,
    ...leaves,
    trees,
    inclusionProofs: proofs,
    before: BEFORE,
    runSeconds: round1((performance.now() - started) / 1000),
  };
  const text = `${JSON.stringify(result, null, 2)}\n`;
  const out = join(__dirname, '..', 'results', 'protocol.json');
  mkdirSync(join(__dirname, '..', 'results'), { recursive: true });
  writeFileSync(out, text);
  process.stdout.write(text);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
