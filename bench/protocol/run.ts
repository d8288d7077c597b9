/**
 * Protocol library benchmarks. Run: `npx tsx bench/protocol/run.ts`. Prints JSON and writes
 * bench/results/protocol.json. Each measurement runs for a fixed time budget, so the whole run stays under ~30 s.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { buildPoseidon } from 'circomlibjs';
import {
  buildInclusionProof,
  ChainTree,
  CHAIN_DEPTH,
  encodeInclusionProof,
  inclusionProofToJson,
  messageLeaf,
  poseidon,
  PRODUCTION_DEPTHS,
  verifyInclusionProof,
} from '../../libs/protocol/src';
import { sampleMessage } from '../../libs/protocol/src/testing/fixtures';
import { buildScenario } from '../../libs/protocol/src/testing/scenario';

const BUDGET_MS = 1500;

/** Runs `fn(i)` repeatedly for about `budgetMs` (after a short warm-up) and returns operations per second. */
function rate(fn: (i: number) => unknown, budgetMs = BUDGET_MS): number {
  for (let i = 0; i < 50; i++) fn(i);
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    for (let j = 0; j < 20; j++) fn(n++);
    elapsed = performance.now() - start;
  }
  return Math.round((n / elapsed) * 1000);
}

/** Like {@link rate} for several functions, alternating 50 ms slices between them; returns ops/s of each. */
function interleaved(fns: ((i: number) => unknown)[], budgetMs = 2 * BUDGET_MS): number[] {
  for (const fn of fns) for (let i = 0; i < 50; i++) fn(i);
  const counts = fns.map(() => 0);
  const times = fns.map(() => 0);
  for (let round = 0; round < budgetMs / 50 / fns.length; round++) {
    fns.forEach((fn, k) => {
      const start = performance.now();
      let n = 0;
      while (performance.now() - start < 50) for (let j = 0; j < 5; j++) fn(n++);
      counts[k] = (counts[k] as number) + n;
      times[k] = (times[k] as number) + performance.now() - start;
    });
  }
  return counts.map((n, k) => Math.round((n / (times[k] as number)) * 1000));
}

async function main(): Promise<void> {
  const started = performance.now();
  const inputs = (arity: number, i: number): bigint[] =>
    Array.from({ length: arity }, (_, k) => BigInt(i) * 1_000_003n + BigInt(k) * 7919n + 123456789n);

  // Ours and circomlibjs alternate in short slices so both see the same machine load (the host is shared).
  const reference = await buildPoseidon();
  const poseidonPerSecond: Record<string, number> = {};
  const circomlibjsPerSecond: Record<string, number> = {};
  for (const arity of [2, 3, 5]) {
    const [ours, theirs] = interleaved([
      (i) => poseidon(inputs(arity, i)),
      (i) => reference.F.toObject(reference(inputs(arity, i))),
    ]);
    poseidonPerSecond[`arity${arity}`] = ours as number;
    circomlibjsPerSecond[`arity${arity}`] = theirs as number;
  }

  const keccakLeavesPerSecond = rate((i) => messageLeaf(sampleMessage({ nonce: BigInt(i) })));

  const tree = new ChainTree(CHAIN_DEPTH);
  const chainTreeAppendsPerSecond = rate((i) => tree.append(BigInt(i) + 1n));

  // Production depths: 4 chains, 3 epochs, 8 messages per batch; proofs of varying messages against the last epoch.
  const scenario = buildScenario({ depths: PRODUCTION_DEPTHS, chains: 4, epochs: 3, messagesPerBatch: 8 });
  const epoch = scenario.epochs[scenario.epochs.length - 1]!;
  const build = (i: number) => {
    const b = scenario.batches[i % scenario.batches.length]!;
    const message = b.messages[i % b.messages.length]!;
    const proof = buildInclusionProof({
      message,
      batch: b.tree,
      batchNumber: b.batchNumber,
      chainTree: scenario.state.chainTree(b.chainId)!,
      chainSizeAtEpoch: epoch.chainSizes.get(b.chainId)!,
      sharedTree: epoch.sharedTree,
      slot: Number(b.chainId - 31337n),
      epoch: epoch.epoch,
    });
    return { message, proof };
  };
  const inclusionProofsBuiltPerSecond = rate(build);
  const prebuilt = Array.from({ length: 32 }, (_, i) => build(i));
  const root = epoch.sharedTree.root;
  const inclusionProofsVerifiedPerSecond = rate((i) => {
    const { message, proof } = prebuilt[i % prebuilt.length]!;
    return verifyInclusionProof(message, proof, root, PRODUCTION_DEPTHS);
  });
  const sample = prebuilt[0]!;
  const compactBytes = (encodeInclusionProof(sample.message, sample.proof).length - 2) / 2;
  const jsonBytes = Buffer.byteLength(JSON.stringify(inclusionProofToJson(sample.message, sample.proof)));

  const result = {
    benchmark: 'libs/protocol',
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
    poseidonHashesPerSecond: poseidonPerSecond,
    circomlibjsHashesPerSecond: circomlibjsPerSecond,
    keccakLeavesPerSecond,
    chainTreeAppendsPerSecond: { depth: CHAIN_DEPTH, perSecond: chainTreeAppendsPerSecond },
    inclusionProofs: {
      depths: PRODUCTION_DEPTHS,
      builtPerSecond: inclusionProofsBuiltPerSecond,
      verifiedPerSecond: inclusionProofsVerifiedPerSecond,
      compactBytes,
      jsonBytes,
      messagePayloadBytes: (sample.message.payload.length - 2) / 2,
    },
    runSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
  const text = `${JSON.stringify(result, null, 2)}\n`;
  const out = join(__dirname, '..', 'results', 'protocol.json');
  mkdirSync(join(__dirname, '..', 'results'), { recursive: true });
  writeFileSync(out, text);
  process.stdout.write(text);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
