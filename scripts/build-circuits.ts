// Builds the circuit of every epoch shape (circuits/shapes/<name>.json) end to end:
//   compile (r1cs, wasm) -> prepared powers of tau -> groth16 setup (zkey new) -> phase-2 contribution -> vkey ->
//   Solidity verifier.
//
//   npm run build:circuits [-- --shape NAME ...] [--update-keys]
//
// Outputs per shape: circuits/build/<name>/ (git-ignored: r1cs, wasm, zkey, build.json),
// circuits/keys/<name>.vkey.json (committed, checked), contracts/src/verifiers/AggregationVerifier<Name>.sol.
//
// Slow artifacts are cached ONCE PER MACHINE (libs/prover zkCacheDir: ZK_CACHE_DIR, else
// $XDG_CACHE_HOME/interop-hub/zk, else ~/.cache/interop-hub/zk), shared by every clone, CI run and devnet: compiled
// circuits by source hash, prepared powers of tau by power, zkeys by (compiled circuit, ptau identity). Every cache
// write is atomic (temp file + fsync + rename) and made under a per-artifact lock, so a killed build never leaves a
// half file that a later run trusts and two builds at once never make the same artifact twice.
//
// INSECURE DEV CEREMONY. Unless PTAU_FILE points to a prepared file from a public ceremony, the powers of tau come
// from a fixed public toxic waste (libs/prover/src/setup/devPtau.ts) and the phase-2 contribution is a fixed public
// beacon. Anyone can recompute them and forge proofs. That is on purpose: every machine rebuilds the same zkeys and
// therefore the committed verification keys. Production needs a real multi-party ceremony.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import * as snarkjs from 'snarkjs';

import { loadShapes } from '../libs/prover/src/circuitArtifacts';
import { repoRoot } from '../libs/prover/src/repoRoot';
import { DEV_PTAU_VERSION, writeDevPtau } from '../libs/prover/src/setup/devPtau';
import {
  copyFileAtomically,
  removeStaleTemps,
  withLock,
  writeAtomically,
  writeFileAtomically,
  zkCacheDir,
} from '../libs/prover/src/setup/zkCache';
import type { CircuitShape } from '../libs/prover/src/types';

/** The public signals of every shape's circuit, in order (SPEC "Epoch data"); the main component lists them. */
const PUBLIC_SIGNALS = ['dataCommitment', 'challenge', 'evaluation'];
const ZKEY_BEACON = createHash('sha256').update('interop-hub INSECURE dev ceremony: phase 2 v2').digest('hex');
const BEACON_ITERATIONS_EXP = 10;
const DEV_WARNING =
  'INSECURE DEV CEREMONY: the powers of tau (unless PTAU_FILE was given) and the phase-2 contribution come from fixed ' +
  'public values, so anyone can forge proofs for this key. Production needs a real multi-party ceremony.';
/** Bumped when the way a zkey is made changes (invalidates every cached zkey). */
const ZKEY_RECIPE = 'v2';

const ROOT = repoRoot(__dirname);
const CIRCUIT_SRC = path.join(ROOT, 'circuits', 'src');
const CIRCOMLIB = path.join(ROOT, 'node_modules', 'circomlib', 'circuits');
const started = Date.now();

type Args = { shapes: string[]; updateKeys: boolean };
type Timing = { step: string; shape: string; power: number; ms: number };
type Plan = {
  shape: CircuitShape;
  compileHash: string;
  compiled: boolean;
  /** estimated power of tau (from the shape) until compiled, then exact */
  power: number;
  zkeyFile?: string;
};

const timings: Timing[] = [];

function main(): Promise<void> {
  return build(parseArgs(process.argv.slice(2)));
}

async function build(args: Args): Promise<void> {
  const cache = zkCacheDir();
  for (const d of ['compiled', 'ptau', 'zkey', 'locks']) mkdirSync(path.join(cache, d), { recursive: true });
  for (const d of ['compiled', 'ptau', 'zkey']) removeStaleTemps(path.join(cache, d));
  const all = loadShapes(ROOT);
  const shapes = args.shapes.length ? args.shapes.map((n) => pick(all, n)) : all;
  const history = readHistory(cache);

  // Up front: what is cached and what will be made, with an estimate of how long it takes on this machine.
  const plans: Plan[] = shapes.map((shape) => {
    const compileHash = hashSources(shape);
    const compiled = existsSync(path.join(cache, 'compiled', compileHash, 'done'));
    return { shape, compileHash, compiled, power: compiled ? powerOf(cache, compileHash) : estimatePower(shape) };
  });
  const ptauIdentity = process.env.PTAU_FILE ? `file:${await sha256File(process.env.PTAU_FILE)}` : DEV_PTAU_VERSION;
  for (const p of plans) {
    const f = zkeyPath(cache, p, ptauIdentity);
    if (existsSync(f)) p.zkeyFile = f;
  }
  const needPtau = plans.filter((p) => !p.zkeyFile);
  const maxPower = Math.max(0, ...needPtau.map((p) => p.power));
  const ptauCached = process.env.PTAU_FILE ? true : findDevPtau(cache, maxPower) !== undefined;
  const steps: { what: string; s: number }[] = [];
  for (const p of plans)
    if (!p.compiled) steps.push({ what: `compile ${p.shape.name}`, s: estimate(history, 'compile', p.power) });
  if (needPtau.length && !ptauCached)
    steps.push({ what: `powers of tau 2^${maxPower}`, s: estimate(history, 'ptau', maxPower) });
  for (const p of needPtau) {
    steps.push({ what: `groth16 setup ${p.shape.name} (2^${p.power})`, s: estimate(history, 'setup', p.power) });
    steps.push({ what: `phase-2 beacon ${p.shape.name}`, s: estimate(history, 'beacon', p.power) });
  }
  if (steps.length === 0) {
    progress('', `every shape is built and cached (${shapes.map((s) => s.name).join(', ')}): checking outputs`);
  } else {
    const total = steps.reduce((t, s) => t + s.s, 0);
    progress(
      '',
      `cold work ahead, about ${minutes(total)} on this machine (then cached for every clone in ${cache}): ` +
        steps.map((s) => `${s.what} ~${minutes(s.s)}`).join(', '),
    );
  }

  // 1. compile (cached per machine by source hash)
  for (const p of plans) {
    await compileCached(cache, p);
    p.power = powerOf(cache, p.compileHash);
  }
  // 2. powers of tau, only if some zkey is missing
  for (const p of plans) {
    const f = zkeyPath(cache, p, ptauIdentity);
    if (existsSync(f)) p.zkeyFile = f;
  }
  const missing = plans.filter((p) => !p.zkeyFile);
  if (missing.length > 0) {
    const ptau = await preparedPtau(cache, Math.max(...missing.map((p) => p.power)), history);
    // 3-4. phase 2 + contribution, per shape
    for (const p of missing) p.zkeyFile = await zkeyCached(cache, p, ptau, ptauIdentity, history);
  }
  // 5-6. outputs of the clone: build dir, vkey (checked), verifier
  for (const p of plans) await outputs(cache, p, args.updateKeys);
  await appendHistory(cache);
  progress('', `done in ${seconds(Date.now() - started)}`);
}

// ------------------------------------------------------------------------------------------------ compile

function mainSource(shape: CircuitShape, dir: string): string {
  return [
    `// GENERATED by scripts/build-circuits.ts from circuits/shapes/${shape.name}.json`,
    'pragma circom 2.1.0;',
    `include "${path.relative(dir, path.join(CIRCUIT_SRC, 'aggregation.circom'))}";`,
    `component main {public [${PUBLIC_SIGNALS.join(', ')}]} = Aggregation(${shape.groups}, ${shape.groupSize}, ${shape.chainDepth}, ${shape.sharedDepth});`,
    '',
  ].join('\n');
}

function hashSources(shape: CircuitShape): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ shape, PUBLIC_SIGNALS }));
  for (const f of readdirSync(CIRCUIT_SRC)
    .filter((x) => x.endsWith('.circom'))
    .sort()) {
    h.update(f);
    h.update(readFileSync(path.join(CIRCUIT_SRC, f)));
  }
  for (const f of ['poseidon.circom', 'poseidon_constants.circom', 'bitify.circom', 'comparators.circom']) {
    h.update(readFileSync(path.join(CIRCOMLIB, f)));
  }
  h.update(readFileSync(path.join(ROOT, 'node_modules', 'circom2', 'package.json')));
  return h.digest('hex').slice(0, 24);
}

async function compileCached(cache: string, p: Plan): Promise<void> {
  const dir = path.join(cache, 'compiled', p.compileHash);
  if (existsSync(path.join(dir, 'done'))) {
    progress(p.shape.name, `compile: cached (${p.compileHash})`);
    return;
  }
  await withLock(path.join(cache, 'locks', `compile-${p.compileHash}`), async () => {
    if (existsSync(path.join(dir, 'done'))) return;
    await step('compile', p.shape.name, estimatePower(p.shape), async () => {
      // circom writes several files: compile into a temp dir, then rename it into place (atomic publish).
      await writeAtomically(dir, async (tmp) => {
        mkdirSync(tmp, { recursive: true });
        const name = `aggregation_${p.shape.name}`;
        const main = path.join(tmp, `${name}.circom`);
        writeFileSync(main, mainSource(p.shape, tmp));
        // circom2 (wasm) sees only paths relative to the cwd: run it from the root the sources share.
        const res = spawnSync(
          process.execPath,
          [
            path.join(ROOT, 'node_modules', 'circom2', 'cli.js'),
            path.relative('/', main),
            '--r1cs',
            '--wasm',
            '--O2',
            '-l',
            path.relative('/', path.join(ROOT, 'node_modules')),
            '-o',
            path.relative('/', tmp),
          ],
          { cwd: '/', encoding: 'utf8' },
        );
        if (res.status !== 0 || !/Everything went okay/.test(res.stdout)) {
          throw new Error(`circom failed (exit ${res.status}):\n${res.stdout}\n${res.stderr}`);
        }
        const r1cs = await snarkjs.r1cs.info(path.join(tmp, `${name}.r1cs`));
        // snarkjs zkey new: the domain holds constraints + public inputs + outputs (+1), rounded up to a power of 2.
        const power = Math.ceil(Math.log2(r1cs.nConstraints + r1cs.nPubInputs + r1cs.nOutputs + 1));
        writeFileSync(path.join(tmp, 'info.json'), JSON.stringify({ constraints: r1cs.nConstraints, power }));
        writeFileSync(path.join(tmp, 'done'), new Date().toISOString());
      });
    });
  });
  const info = JSON.parse(readFileSync(path.join(dir, 'info.json'), 'utf8')) as { constraints: number; power: number };
  progress(p.shape.name, `compile: ${info.constraints} constraints, needs powers of tau 2^${info.power}`);
}

function powerOf(cache: string, compileHash: string): number {
  return (JSON.parse(readFileSync(path.join(cache, 'compiled', compileHash, 'info.json'), 'utf8')) as { power: number })
    .power;
}

/** Power of tau a shape will need, before it is compiled (from the measured cost per group and per batch). */
function estimatePower(shape: CircuitShape): number {
  const constraints = shape.groups * (14_600 + 530 * shape.groupSize) + 1_000;
  return Math.ceil(Math.log2(constraints + 4));
}

// ------------------------------------------------------------------------------------------------ powers of tau

function findDevPtau(cache: string, power: number): string | undefined {
  // Every dev ptau has the same toxic waste, so any power >= the one needed serves (smallest first).
  for (let p = Math.max(power, 1); p <= 27; p++) {
    const f = path.join(cache, 'ptau', `dev_v2_pot${p}.ptau`);
    if (existsSync(f)) return f;
  }
  return undefined;
}

async function preparedPtau(cache: string, power: number, history: Timing[]): Promise<string> {
  if (process.env.PTAU_FILE) {
    const file = path.resolve(process.env.PTAU_FILE);
    if (!existsSync(file)) throw new Error(`PTAU_FILE=${file} does not exist`);
    progress('', `powers of tau: PTAU_FILE ${file} (must be prepared for phase 2, power >= ${power})`);
    return file;
  }
  const found = findDevPtau(cache, power);
  if (found) {
    progress('', `powers of tau: cached ${found}`);
    return found;
  }
  const file = path.join(cache, 'ptau', `dev_v2_pot${power}.ptau`);
  await withLock(path.join(cache, 'locks', `ptau-${power}`), async () => {
    if (existsSync(file)) return;
    progress('', `powers of tau: no PTAU_FILE, making the INSECURE deterministic dev ptau of 2^${power}`);
    const expect = estimate(history, 'ptau', power);
    let lastLine = 0;
    await step('ptau', '', power, () =>
      writeDevPtau(file, power, {
        onProgress: (done, total) => {
          const now = Date.now();
          if (now - lastLine < 5_000 && done < total) return;
          lastLine = now;
          const spent = (now - stepStart) / 1000;
          const left = done > 0 ? (spent * (total - done)) / done : expect;
          progress(
            '',
            `powers of tau 2^${power}: ${Math.floor((100 * done) / total)}%, ${minutes(spent)} spent, ~${minutes(left)} left`,
          );
        },
      }),
    );
  });
  return file;
}
let stepStart = Date.now();

// ------------------------------------------------------------------------------------------------ zkeys

function zkeyPath(cache: string, p: Plan, ptauIdentity: string): string {
  const key = createHash('sha256')
    .update(JSON.stringify({ compile: p.compileHash, ptau: ptauIdentity, recipe: ZKEY_RECIPE, beacon: ZKEY_BEACON }))
    .digest('hex')
    .slice(0, 16);
  return path.join(cache, 'zkey', `aggregation_${p.shape.name}-${key}.zkey`);
}

async function zkeyCached(
  cache: string,
  p: Plan,
  ptau: string,
  ptauIdentity: string,
  history: Timing[],
): Promise<string> {
  const file = zkeyPath(cache, p, ptauIdentity);
  await withLock(path.join(cache, 'locks', path.basename(file)), async () => {
    if (existsSync(file)) return;
    const r1cs = path.join(cache, 'compiled', p.compileHash, `aggregation_${p.shape.name}.r1cs`);
    const initial = `${file}.phase2-initial.tmp-${process.pid}`;
    try {
      await step('setup', p.shape.name, p.power, () =>
        ticking(p.shape.name, `groth16 setup (2^${p.power})`, estimate(history, 'setup', p.power), () =>
          snarkjs.zKey.newZKey(r1cs, ptau, initial, quietLogger(p.shape.name)),
        ),
      );
      await writeAtomically(file, async (tmp) => {
        await step('beacon', p.shape.name, p.power, () =>
          ticking(
            p.shape.name,
            'phase-2 contribution (deterministic beacon)',
            estimate(history, 'beacon', p.power),
            () =>
              snarkjs.zKey.beacon(
                initial,
                tmp,
                'interop-hub dev beacon',
                ZKEY_BEACON,
                BEACON_ITERATIONS_EXP,
                quietLogger(p.shape.name),
              ),
          ),
        );
      });
    } finally {
      rmSync(initial, { force: true });
    }
  });
  return file;
}

// ------------------------------------------------------------------------------------------------ outputs

async function outputs(cache: string, p: Plan, updateKeys: boolean): Promise<void> {
  const name = `aggregation_${p.shape.name}`;
  const buildDir = path.join(ROOT, 'circuits', 'build', p.shape.name);
  const compiled = path.join(cache, 'compiled', p.compileHash);
  mkdirSync(path.join(buildDir, `${name}_js`), { recursive: true });
  // The clone's copies (the prover and the tests read circuits/build): replaced atomically, skipped when current.
  const stamp = path.join(buildDir, 'build.json');
  const current = existsSync(stamp) ? (JSON.parse(readFileSync(stamp, 'utf8')) as { zkey?: string }).zkey : undefined;
  if (current !== path.basename(p.zkeyFile!) || !existsSync(path.join(buildDir, `${name}.zkey`))) {
    for (const f of [
      `${name}.r1cs`,
      path.join(`${name}_js`, `${name}.wasm`),
      path.join(`${name}_js`, 'witness_calculator.js'),
    ]) {
      await copyFileAtomically(path.join(compiled, f), path.join(buildDir, f));
    }
    await copyFileAtomically(p.zkeyFile!, path.join(buildDir, `${name}.zkey`));
  }
  const zkeyFile = path.join(buildDir, `${name}.zkey`);

  // verification key, checked against the committed one
  const vkey = await snarkjs.zKey.exportVerificationKey(zkeyFile);
  const vkeyText = await formatJson({ _warning: DEV_WARNING, ...vkey });
  const vkeyFile = path.join(ROOT, 'circuits', 'keys', `${p.shape.name}.vkey.json`);
  if (!existsSync(vkeyFile)) {
    await writeFileAtomically(vkeyFile, vkeyText);
    progress(p.shape.name, `verification key: written ${path.relative(ROOT, vkeyFile)} (new; commit it)`);
  } else {
    const committed = JSON.parse(readFileSync(vkeyFile, 'utf8')) as Record<string, unknown>;
    delete committed._warning;
    if (JSON.stringify(committed) === JSON.stringify(vkey)) {
      progress(p.shape.name, `verification key: matches ${path.relative(ROOT, vkeyFile)}`);
    } else if (updateKeys) {
      await writeFileAtomically(vkeyFile, vkeyText);
      progress(p.shape.name, `verification key: UPDATED ${path.relative(ROOT, vkeyFile)} (--update-keys)`);
    } else {
      throw new Error(
        `rebuilt verification key differs from the committed ${path.relative(ROOT, vkeyFile)}: the circuit, the ` +
          'shape or the ptau changed. Re-run with --update-keys if that is intended (then npm run build:contracts, ' +
          'and redeploy the verifier registered for this shape).',
      );
    }
  }

  // Solidity verifier (snarkjs's Groth16 template, contract renamed)
  const contractName = `AggregationVerifier${p.shape.name[0]!.toUpperCase()}${p.shape.name.slice(1)}`;
  const template = readFileSync(
    path.join(ROOT, 'node_modules', 'snarkjs', 'templates', 'verifier_groth16.sol.ejs'),
    'utf8',
  );
  let sol = await snarkjs.zKey.exportSolidityVerifier(zkeyFile, { groth16: template });
  sol = sol
    .replace('contract Groth16Verifier', `contract ${contractName}`)
    .replace('pragma solidity >=0.7.0 <0.9.0;', 'pragma solidity ^0.8.20;')
    .replace(
      /^(\/\/ SPDX-License-Identifier:[^\n]*\n)?/,
      (m) =>
        `${m}// GENERATED by scripts/build-circuits.ts for the epoch shape ${p.shape.name} (circuits/shapes/${p.shape.name}.json; do not edit).\n` +
        `// Public signals: [${PUBLIC_SIGNALS.join(', ')}]. ${p.shape.groups} groups of ${p.shape.groupSize} ` +
        `(K=${p.shape.k}), CHAIN_DEPTH=${p.shape.chainDepth}, SHARED_DEPTH=${p.shape.sharedDepth}.\n// ${DEV_WARNING}\n`,
    );
  const solFile = path.join(ROOT, 'contracts', 'src', 'verifiers', `${contractName}.sol`);
  const before = existsSync(solFile) ? readFileSync(solFile, 'utf8') : '';
  if (before !== sol) {
    await writeFileAtomically(solFile, sol);
    progress(p.shape.name, `solidity verifier: ${path.relative(ROOT, solFile)} UPDATED (run npm run build:contracts)`);
  } else {
    progress(p.shape.name, `solidity verifier: ${path.relative(ROOT, solFile)} up to date`);
  }
  const info = JSON.parse(readFileSync(path.join(compiled, 'info.json'), 'utf8')) as { constraints: number };
  writeFileSync(
    stamp,
    `${JSON.stringify(
      {
        shape: p.shape,
        constraints: info.constraints,
        power: p.power,
        compileHash: p.compileHash,
        zkey: path.basename(p.zkeyFile!),
        builtAt: new Date().toISOString(),
      },
      null,
      2,
    )}\n`,
  );
}

// ------------------------------------------------------------------------------------------------ estimates

/**
 * Seconds a step of size 2^power takes here: this machine's last measurement of the same step and power (the
 * cache's build-log.json), else a model from runs on an idle 2-core machine, scaled linearly in 2^power.
 */
function estimate(history: Timing[], stepName: string, power: number): number {
  const same = history.filter((t) => t.step === stepName);
  const exact = same.filter((t) => t.power === power).at(-1);
  if (exact) return exact.ms / 1000;
  const near = same.at(-1);
  if (near) return (near.ms / 1000) * 2 ** (power - near.power);
  // Measured at 2^16: dev ptau ~48 s, zkey new ~120 s, beacon ~25 s; compile of a 2^16 circuit ~20 s.
  const base: Record<string, number> = { ptau: 48, setup: 120, beacon: 25, compile: 20 };
  return (base[stepName] ?? 30) * 2 ** (power - 16);
}

function readHistory(cache: string): Timing[] {
  const f = path.join(cache, 'build-log.json');
  try {
    return (JSON.parse(readFileSync(f, 'utf8')) as { timings?: Timing[] }).timings ?? [];
  } catch {
    return [];
  }
}

/**
 * Appends this run's timings to the cache's build log, re-read under its lock: two builds at once (a test run and a
 * devnet) each add theirs instead of the last writer dropping the other's.
 */
async function appendHistory(cache: string): Promise<void> {
  if (timings.length === 0) return;
  // Best effort: a lost log only makes the next estimate rougher.
  await withLock(path.join(cache, 'locks', 'build-log'), async () => {
    const all = [...readHistory(cache), ...timings].slice(-200);
    await writeFileAtomically(path.join(cache, 'build-log.json'), `${JSON.stringify({ timings: all }, null, 2)}\n`);
  }).catch(() => undefined);
}

// ------------------------------------------------------------------------------------------------ helpers

async function step<T>(name: string, shape: string, power: number, fn: () => Promise<T>): Promise<T> {
  stepStart = Date.now();
  const t = Date.now();
  const result = await fn();
  const ms = Date.now() - t;
  timings.push({ step: name, shape, power, ms });
  progress(shape, `${name} (2^${power}): ${seconds(ms)}`);
  return result;
}

/** Runs `fn`, printing elapsed time and the estimate every 10 s (snarkjs steps report no progress of their own). */
async function ticking<T>(shape: string, label: string, estimateS: number, fn: () => Promise<T>): Promise<T> {
  const t = Date.now();
  progress(shape, `${label}: started, ~${minutes(estimateS)}`);
  const timer = setInterval(() => {
    const spent = (Date.now() - t) / 1000;
    progress(shape, `${label}: ${minutes(spent)} spent, ~${minutes(Math.max(0, estimateS - spent))} left (estimate)`);
  }, 10_000);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

function pick(all: CircuitShape[], name: string): CircuitShape {
  const s = all.find((x) => x.name === name);
  if (!s) throw new Error(`no shape "${name}" in circuits/shapes (have: ${all.map((x) => x.name).join(', ')})`);
  return s;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { shapes: [], updateKeys: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--shape') out.shapes.push(argv[++i] ?? '');
    else if (a.startsWith('--shape=')) out.shapes.push(a.slice('--shape='.length));
    else if (a === '--update-keys') out.updateKeys = true;
    else {
      process.stderr.write(`usage: npm run build:circuits [-- --shape NAME ...] [--update-keys] (unknown: ${a})\n`);
      process.exit(2);
    }
  }
  return out;
}

function progress(shape: string, msg: string): void {
  const t = seconds(Date.now() - started).padStart(7);
  process.stdout.write(`[build-circuits${shape ? ` ${shape}` : ''} ${t}] ${msg}\n`);
}

function quietLogger(shape: string): Record<string, (m: string) => void> {
  const noop = (): void => undefined;
  return {
    debug: noop,
    info: noop,
    log: noop,
    warn: (m) => progress(shape, `snarkjs: ${m}`),
    error: (m) => progress(shape, `snarkjs ERROR: ${m}`),
  };
}

/** JSON as the repo's prettier writes it (so `prettier --check` passes on the committed keys). */
async function formatJson(value: unknown): Promise<string> {
  const raw = `${JSON.stringify(value, null, 2)}\n`;
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(path.join(ROOT, 'circuits', 'keys', 'x.json'))) ?? {};
  return prettier.format(raw, { ...options, parser: 'json' });
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function minutes(s: number): string {
  return s < 90 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`;
}

async function sha256File(file: string): Promise<string> {
  const { createReadStream } = await import('node:fs');
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`[build-circuits] FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
