// Prover benchmark: npx tsx bench/prover/run.ts [--shape NAME ...] [--proofs N]
// For every epoch shape (circuits/shapes; default all): constraints, witness time, proving time with one worker
// (every core) and two single-threaded workers at saturation (full groups), verify time, and the cold setup time of
// each step as this machine's build log recorded it. Prints JSON and writes bench/results/prover.json (one entry per
// shape). Needs the shapes built (npm run build:circuits).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';

import { PRODUCTION_DEPTHS } from '@interop/protocol';
import {
  circuitArtifacts,
  loadShapes,
  Prover,
  toSolidityProof,
  verifyAggregationProof,
  zkCacheDir,
  type VerificationKey,
} from '@interop/prover';
import { sampleSteps } from '@interop/prover/testing/sampleSteps';
import { Command } from 'commander';
import * as snarkjs from 'snarkjs';

type BuildStamp = { constraints: number; power: number };
type Timing = { step: string; shape: string; power: number; ms: number };

const ROOT = path.resolve(__dirname, '..', '..');

/** The cold setup of a shape from the per-machine build log: its last compile, setup and beacon, and the ptau. */
function coldSetup(shape: string, power: number): { ms: number; steps: Record<string, number> } | null {
  const file = path.join(zkCacheDir(), 'build-log.json');
  if (!existsSync(file)) return null;
  const timings = (JSON.parse(readFileSync(file, 'utf8')) as { timings?: Timing[] }).timings ?? [];
  const last = (step: string, pred: (t: Timing) => boolean) =>
    [...timings].reverse().find((t) => t.step === step && pred(t));
  const steps: Record<string, number> = {};
  for (const step of ['compile', 'setup', 'beacon']) {
    const t = last(step, (x) => x.shape === shape);
    if (t) steps[step] = t.ms;
  }
  // The prepared ptau is shared by every shape: its cold time at the largest power it was made for.
  const ptau = last('ptau', (x) => x.power >= power);
  if (ptau) steps[`ptau 2^${ptau.power} (shared by every shape)`] = ptau.ms;
  if (Object.keys(steps).length === 0) return null;
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

async function benchShape(
  shape: { name: string; k: number; groupSize: number; groups: number },
  n: number,
): Promise<Record<string, unknown>> {
  const artifacts = circuitArtifacts(shape.name);
  const build = JSON.parse(
    readFileSync(path.join(ROOT, 'circuits', 'build', shape.name, 'build.json'), 'utf8'),
  ) as BuildStamp;
  const load0 = loadavg()[0]!;
  // Saturation: every epoch has full groups (8 chains with plenty of waiting batches, planEpochUpdates).
  const steps = sampleSteps({ ...PRODUCTION_DEPTHS, k: shape.k, groupSize: shape.groupSize, epochs: n, chains: 8 });
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
  const setup = coldSetup(shape.name, build.power);
  return {
    shape: shape.name,
    k: shape.k,
    groupSize: shape.groupSize,
    groups: shape.groups,
    updatesPerProof,
    chainDepth: PRODUCTION_DEPTHS.chainDepth,
    sharedDepth: PRODUCTION_DEPTHS.sharedDepth,
    constraints: build.constraints,
    constraintsPerUpdate: Math.round(build.constraints / shape.k),
    ptauPower: build.power,
    setupColdMs: setup?.ms ?? null,
    setupColdSteps: setup?.steps ?? null,
    witnessMs: Math.round(witnessMs),
    proveMsPerProof1Worker: Math.round(one.wall),
    proveMsPerProof2Workers: Math.round(two.wall),
    updatesPerSecond1Worker: Number(((1000 / one.wall) * updatesPerProof).toFixed(3)),
    updatesPerSecond2Workers: Number(((1000 / two.wall) * updatesPerProof).toFixed(3)),
    // CPU time is what a proof costs regardless of other jobs on the machine: cpus / cpuSecondsPerProof proofs per
    // second is the contention-free estimate for two single-threaded workers (an upper bound).
    cpuMsPerProof1Worker: Math.round(one.cpu),
    cpuMsPerProof2Workers: Math.round(two.cpu),
    updatesPerSecondIdleEstimate2Workers: Number((((cpus().length * 1000) / two.cpu) * updatesPerProof).toFixed(3)),
    proofJsonBytes: JSON.stringify(sample.proof).length,
    proofCalldataBytes: (sol.a.length + sol.b.length * 2 + sol.c.length) * 32,
    zkeyBytes: readFileSync(artifacts.zkey).length,
    verifyMs: Number(verifyMs.toFixed(1)),
    proofsPerRun: n,
    loadavg1m: { start: Number(load0.toFixed(2)), end: Number(loadavg()[0]!.toFixed(2)) },
  };
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--shape <name...>', 'shapes to measure (default: every shape in circuits/shapes)')
    .option('--proofs <n>', 'proofs per throughput run', '6')
    .parse()
    .opts<{ shape?: string[]; proofs: string }>();
  const all = loadShapes();
  const shapes = opts.shape ? all.filter((s) => opts.shape!.includes(s.name)) : all;
  const n = Number(opts.proofs);
  const out = path.join(ROOT, 'bench', 'results', 'prover.json');
  const previous = existsSync(out)
    ? (JSON.parse(readFileSync(out, 'utf8')) as { shapes?: Record<string, unknown> })
    : {};
  const results: Record<string, unknown> = { ...(previous.shapes ?? {}) };
  for (const s of shapes) {
    process.stderr.write(`[bench prover] ${s.name} (${s.groups} x ${s.groupSize}): ${n} proofs per run\n`);
    results[s.name] = await benchShape(s, n);
  }
  const result = {
    shapes: results,
    machine: { cpus: cpus().length, node: process.version },
    measuredAt: new Date().toISOString(),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
