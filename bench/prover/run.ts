// Prover benchmark: npx tsx bench/prover/run.ts [--instance test|prod] [--proofs N]
// Prints JSON and merges it into bench/results/prover.json under the instance name. Needs the instance built
// (node scripts/build-circuits.mjs --instance <instance>); the cold setup time comes from the build's cache log.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';

import {
  CHAIN_DEPTH,
  SHARED_DEPTH,
  TEST_CHAIN_DEPTH,
  TEST_GROUP_SIZE,
  TEST_K,
  TEST_SHARED_DEPTH,
} from '@interop/protocol';
import {
  circuitArtifacts,
  type CircuitInstance,
  Prover,
  toSolidityProof,
  verifyAggregationProof,
  type VerificationKey,
} from '@interop/prover';
import { sampleSteps } from '@interop/prover/testing/sampleSteps';
import { Command } from 'commander';
import * as snarkjs from 'snarkjs';

type BuildSummary = {
  instance: { name: string; k: number; groupSize: number };
  constraints: number;
  power: number;
  timings: Record<string, number>;
  totalMs: number;
};

const ROOT = path.resolve(__dirname, '..', '..');

function coldSetup(instance: string): { ms: number; steps: Record<string, number> } | null {
  const file = path.join(process.env.ZK_CACHE_DIR ?? path.join(ROOT, '.cache', 'zk'), 'build-log.json');
  if (!existsSync(file)) return null;
  const log = JSON.parse(readFileSync(file, 'utf8')) as BuildSummary[];
  // The cold build of this instance: the last one that ran phase 2 (the ptau may have come from the cache then).
  const cold = [...log].reverse().find((b) => b.instance.name === instance && 'phase 2 (groth16 setup)' in b.timings);
  if (!cold) return null;
  // The prepared ptau is shared by power: take its cold timings from whichever build made it.
  const ptau = [...log].reverse().find((b) => b.power === cold.power && 'powers of tau prepare phase 2' in b.timings);
  const steps = { ...(ptau?.timings ?? {}), ...cold.timings };
  return { ms: Object.values(steps).reduce((a, b) => a + b, 0), steps };
}

/** Wall ms and process CPU ms (all threads: the prover's worker threads and snarkjs's) per proof. */
async function throughput(prover: Prover, inputs: Record<string, unknown>[]): Promise<{ wall: number; cpu: number }> {
  const t = Date.now();
  const c = process.cpuUsage();
  await Promise.all(inputs.map((i) => prover.prove(i)));
  const used = process.cpuUsage(c);
  return { wall: (Date.now() - t) / inputs.length, cpu: (used.user + used.system) / 1000 / inputs.length };
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--instance <name>', 'test or prod', 'test')
    .option('--proofs <n>', 'proofs per throughput run', '6')
    .parse()
    .opts<{ instance: CircuitInstance; proofs: string }>();
  const instance = opts.instance;
  const n = Number(opts.proofs);
  const artifacts = circuitArtifacts(instance);
  const build = JSON.parse(
    readFileSync(path.join(ROOT, 'circuits', 'build', instance, 'build.json'), 'utf8'),
  ) as BuildSummary;
  const load0 = loadavg()[0]!;
  const k = build.instance.k;
  const groupSize = build.instance.groupSize;
  const depths =
    instance === 'test'
      ? { chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH }
      : { chainDepth: CHAIN_DEPTH, sharedDepth: SHARED_DEPTH };
  if (instance === 'test' && (k !== TEST_K || groupSize !== TEST_GROUP_SIZE)) {
    throw new Error(`test instance K=${k}/groupSize=${groupSize}, expected ${TEST_K}/${TEST_GROUP_SIZE}`);
  }
  // Saturation: every epoch has full groups (8 chains with plenty of waiting batches, planEpochUpdates).
  const steps = sampleSteps({ ...depths, k, groupSize, epochs: n, chains: 8 });
  const updatesPerProof = steps.reduce((a, s) => a + s.updates.length, 0) / steps.length;
  const inputs = steps.map((s) => s.input as unknown as Record<string, unknown>);
  const vkey = JSON.parse(readFileSync(artifacts.vkey, 'utf8')) as VerificationKey;

  // Witness generation alone (main thread, wasm).
  const wt = Date.now();
  for (const input of inputs) await snarkjs.wtns.calculate(input, artifacts.wasm, { type: 'mem' });
  const witnessMs = (Date.now() - wt) / inputs.length;

  // Proving: one worker using every core, then two single-threaded workers.
  const p1 = new Prover({ artifacts, poolSize: 1 });
  await p1.prove(inputs[0]!); // warm-up (loads the zkey, builds the curve)
  const one = await throughput(p1, inputs);
  const sample = await p1.prove(inputs[0]!);
  await p1.close();
  const p2 = new Prover({ artifacts, poolSize: 2 });
  await Promise.all([p2.prove(inputs[0]!), p2.prove(inputs[1 % n]!)]);
  const two = await throughput(p2, inputs);
  await p2.close();

  const vt = Date.now();
  const reps = 10;
  for (let i = 0; i < reps; i++) {
    if (!(await verifyAggregationProof(vkey, sample.proof, sample.publicSignals)))
      throw new Error('proof does not verify');
  }
  const verifyMs = (Date.now() - vt) / reps;
  const sol = toSolidityProof(sample.proof);

  const setup = coldSetup(instance);
  const result = {
    instance,
    k,
    groupSize,
    groups: k / groupSize,
    updatesPerProof,
    chainDepth: depths.chainDepth,
    sharedDepth: depths.sharedDepth,
    constraints: build.constraints,
    constraintsPerUpdate: Math.round(build.constraints / k),
    ptauPower: build.power,
    setupColdMs: setup?.ms ?? null,
    setupColdSteps: setup?.steps ?? null,
    witnessMs: Math.round(witnessMs),
    proveMsPerProof1Worker: Math.round(one.wall),
    proveMsPerProof2Workers: Math.round(two.wall),
    updatesPerSecond1Worker: Number(((1000 / one.wall) * updatesPerProof).toFixed(3)),
    updatesPerSecond2Workers: Number(((1000 / two.wall) * updatesPerProof).toFixed(3)),
    // CPU time is what a proof costs regardless of other jobs on the machine: on an otherwise idle machine the
    // two single-threaded workers keep every core busy, so cpus / cpuSecondsPerProof proofs per second is the
    // contention-free estimate (an upper bound: it ignores the parallel slack of the 2-worker run).
    cpuMsPerProof1Worker: Math.round(one.cpu),
    cpuMsPerProof2Workers: Math.round(two.cpu),
    updatesPerSecondIdleEstimate2Workers: Number((((cpus().length * 1000) / two.cpu) * updatesPerProof).toFixed(3)),
    proofJsonBytes: JSON.stringify(sample.proof).length,
    proofCalldataBytes: (sol.a.length + sol.b.length * 2 + sol.c.length) * 32,
    zkeyBytes: readFileSync(artifacts.zkey).length,
    verifyMs: Number(verifyMs.toFixed(1)),
    proofsPerRun: n,
    machine: {
      cpus: cpus().length,
      loadavg1mAtStart: Number(load0.toFixed(2)),
      loadavg1mAtEnd: Number(loadavg()[0]!.toFixed(2)),
      node: process.version,
    },
    measuredAt: new Date().toISOString(),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  const out = path.join(ROOT, 'bench', 'results', 'prover.json');
  const all = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
  all[instance] = result;
  writeFileSync(out, `${JSON.stringify(all, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
