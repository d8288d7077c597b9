#!/usr/bin/env node
// Builds one instance of the aggregation circuit end to end:
//   compile (r1cs, wasm, sym) -> powers of tau -> phase 2 -> contribution -> verification key -> Solidity verifier.
//
//   node scripts/build-circuits.mjs [--instance test|prod] [--update-keys]
//
// Outputs: circuits/build/<instance>/ (git-ignored: r1cs, wasm, sym, zkey, build.json),
//          circuits/keys/<instance>.vkey.json (committed), contracts/src/verifiers/AggregationVerifier<Instance>.sol.
//
// INSECURE DEV CEREMONY. Unless PTAU_FILE points to a prepared file from a public ceremony, the powers of tau
// are made here from a fixed, public beacon, and the phase-2 contribution is a fixed, public beacon too. Anyone
// can recompute the toxic waste and forge proofs. That is on purpose: a clean clone rebuilds the same zkey and
// therefore the same committed verification key. Production needs a real multi-party ceremony (phase 1 from a
// public ceremony via PTAU_FILE, phase 2 with independent contributors).
//
// Caches (env ZK_CACHE_DIR, default .cache/zk): prepared ptau per power, zkey per
// sha256(circuit sources + instance parameters + ptau), so a second build takes seconds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as snarkjs from 'snarkjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CIRCUIT_SRC = path.join(ROOT, 'circuits', 'src');
const CIRCOMLIB = path.join(ROOT, 'node_modules', 'circomlib', 'circuits');
const PTAU_BEACON = sha256Hex('interop-hub INSECURE dev ceremony: powers of tau v1');
const ZKEY_BEACON = sha256Hex('interop-hub INSECURE dev ceremony: phase 2 v1');
const BEACON_ITERATIONS_EXP = 10;
const DEV_WARNING =
  'INSECURE DEV CEREMONY: phase 1 (unless PTAU_FILE was given) and the phase-2 contribution come from fixed public ' +
  'beacons, so anyone can forge proofs for this key. Production needs a real multi-party ceremony.';

const started = Date.now();
const args = parseArgs(process.argv.slice(2));
const instance = loadInstance(args.instance);
const cacheDir = path.resolve(process.env.ZK_CACHE_DIR ?? path.join(ROOT, '.cache', 'zk'));
const buildDir = path.join(ROOT, 'circuits', 'build', instance.name);
const name = `aggregation_${instance.name}`;
const timings = {};

try {
  await main();
  progress(`done in ${seconds(Date.now() - started)}`);
  process.exit(0);
} catch (err) {
  console.error(`[build-circuits] FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

async function main() {
  mkdirSync(buildDir, { recursive: true });
  mkdirSync(path.join(cacheDir, 'ptau'), { recursive: true });
  mkdirSync(path.join(cacheDir, 'zkey'), { recursive: true });

  // 1. compile
  const sourceHash = hashSources();
  const r1csFile = path.join(buildDir, `${name}.r1cs`);
  const wasmFile = path.join(buildDir, `${name}_js`, `${name}.wasm`);
  const stampFile = path.join(buildDir, 'compile.hash');
  if (existsSync(r1csFile) && existsSync(wasmFile) && readIf(stampFile) === sourceHash) {
    progress(`compile: up to date (${path.relative(ROOT, buildDir)})`);
  } else {
    await step('compile', () => compile());
    writeFileSync(stampFile, sourceHash);
  }
  const r1cs = await snarkjs.r1cs.info(r1csFile);
  const constraints = r1cs.nConstraints;
  // Same rule as snarkjs zkey new: the domain must hold constraints + public inputs + outputs (+1 for the
  // "one" wire), rounded up to a power of two.
  const power = Math.floor(Math.log2(r1cs.nConstraints + r1cs.nPubInputs + r1cs.nOutputs)) + 1;
  progress(`compile: ${constraints} constraints, ${r1cs.nPubInputs} public inputs, needs powers of tau 2^${power}`);

  // 2. powers of tau (phase 1)
  const ptau = await preparedPtau(power);
  const ptauHash = await sha256File(ptau.file);

  // 3-4. phase 2 + contribution
  const zkeyHash = sha256Hex(JSON.stringify({ sourceHash, instance, ptauHash, v: 1 }));
  const cachedZkey = path.join(cacheDir, 'zkey', `${name}-${zkeyHash.slice(0, 16)}.zkey`);
  if (existsSync(cachedZkey)) {
    progress(`phase 2: cached ${path.relative(ROOT, cachedZkey)}`);
  } else {
    const initial = path.join(cacheDir, 'zkey', `${name}-${zkeyHash.slice(0, 16)}.0.zkey`);
    await step('phase 2 (groth16 setup)', () => snarkjs.zKey.newZKey(r1csFile, ptau.file, initial, quietLogger()));
    const tmp = `${cachedZkey}.tmp`;
    await step('phase 2 contribution (deterministic beacon)', () =>
      snarkjs.zKey.beacon(initial, tmp, 'interop-hub dev beacon', ZKEY_BEACON, BEACON_ITERATIONS_EXP, quietLogger()),
    );
    renameSync(tmp, cachedZkey);
    rmSync(initial, { force: true });
  }
  const zkeyFile = path.join(buildDir, `${name}.zkey`);
  writeFileSync(zkeyFile, readFileSync(cachedZkey));

  // 5. verification key, checked against the committed one
  const vkey = await snarkjs.zKey.exportVerificationKey(zkeyFile);
  const vkeyWithNote = { _warning: DEV_WARNING, ...vkey };
  const vkeyFile = path.join(ROOT, 'circuits', 'keys', `${instance.name}.vkey.json`);
  const vkeyText = await formatJson(vkeyWithNote);
  writeFileSync(path.join(buildDir, `${name}.vkey.json`), vkeyText);
  if (!existsSync(vkeyFile)) {
    mkdirSync(path.dirname(vkeyFile), { recursive: true });
    writeFileSync(vkeyFile, vkeyText);
    progress(`verification key: written ${path.relative(ROOT, vkeyFile)} (new; commit it)`);
  } else {
    const committed = JSON.parse(readFileSync(vkeyFile, 'utf8'));
    delete committed._warning;
    if (JSON.stringify(committed) === JSON.stringify(vkey)) {
      progress(`verification key: matches ${path.relative(ROOT, vkeyFile)}`);
    } else if (args.updateKeys) {
      writeFileSync(vkeyFile, vkeyText);
      progress(`verification key: UPDATED ${path.relative(ROOT, vkeyFile)} (--update-keys)`);
    } else {
      throw new Error(
        `rebuilt verification key differs from the committed ${path.relative(ROOT, vkeyFile)}: the circuit, the ` +
          'instance parameters or the ptau changed. Re-run with --update-keys if that is intended (and regenerate ' +
          'every verifier deployed with the old key).',
      );
    }
  }

  // 6. Solidity verifier (snarkjs's Groth16 template, contract renamed)
  const contractName = `AggregationVerifier${instance.name[0].toUpperCase()}${instance.name.slice(1)}`;
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
        `${m}// GENERATED by scripts/build-circuits.mjs --instance ${instance.name} from circuits/src (do not edit).\n` +
        `// Public signals: [oldRoot, newRoot, commitment]. K=${instance.k} (${instance.k / instance.groupSize} groups of ` +
        `${instance.groupSize}), CHAIN_DEPTH=${instance.chainDepth}, ` +
        `SHARED_DEPTH=${instance.sharedDepth}.\n// ${DEV_WARNING}\n`,
    );
  const solFile = path.join(ROOT, 'contracts', 'src', 'verifiers', `${contractName}.sol`);
  mkdirSync(path.dirname(solFile), { recursive: true });
  writeFileSync(solFile, sol);
  progress(`solidity verifier: ${path.relative(ROOT, solFile)}`);

  const summary = {
    instance,
    constraints,
    power,
    ptau: ptau.source,
    zkeyHash,
    timings,
    totalMs: Date.now() - started,
    builtAt: new Date().toISOString(),
  };
  writeFileSync(path.join(buildDir, 'build.json'), `${JSON.stringify(summary, null, 2)}\n`);
  appendCacheLog(summary);
}

function compile() {
  const mainFile = path.join(buildDir, `${name}.circom`);
  writeFileSync(
    mainFile,
    [
      '// GENERATED by scripts/build-circuits.mjs from circuits/instances/' + instance.name + '.json',
      'pragma circom 2.1.0;',
      `include "${path.relative(buildDir, path.join(CIRCUIT_SRC, 'aggregation.circom'))}";`,
      `component main {public [oldRoot, newRoot, commitment]} = Aggregation(${instance.k / instance.groupSize}, ${instance.groupSize}, ${instance.chainDepth}, ${instance.sharedDepth});`,
      '',
    ].join('\n'),
  );
  // circom2 (wasm) sees only paths relative to the cwd, so run it from the repo root.
  const res = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'circom2', 'cli.js'),
      path.relative(ROOT, mainFile),
      '--r1cs',
      '--wasm',
      '--sym',
      '--O2',
      '-l',
      'node_modules',
      '-o',
      path.relative(ROOT, buildDir),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (res.status !== 0 || !/Everything went okay/.test(res.stdout)) {
    throw new Error(`circom failed (exit ${res.status}):\n${res.stdout}\n${res.stderr}`);
  }
}

async function preparedPtau(power) {
  if (process.env.PTAU_FILE) {
    const file = path.resolve(process.env.PTAU_FILE);
    if (!existsSync(file)) throw new Error(`PTAU_FILE=${file} does not exist`);
    progress(`powers of tau: using PTAU_FILE ${file} (must be prepared for phase 2, power >= ${power})`);
    return { file, source: `PTAU_FILE:${path.basename(file)}` };
  }
  const file = path.join(cacheDir, 'ptau', `dev_pot${power}_final.ptau`);
  if (existsSync(file)) {
    progress(`powers of tau: cached ${path.relative(ROOT, file)}`);
    return { file, source: `dev:${power}` };
  }
  progress(`powers of tau: no PTAU_FILE, making an INSECURE deterministic dev ceremony of power 2^${power}`);
  const curve = await snarkjs.curves.getCurveFromName('bn128');
  const p0 = path.join(cacheDir, 'ptau', `dev_pot${power}_0.ptau`);
  const p1 = path.join(cacheDir, 'ptau', `dev_pot${power}_1.ptau`);
  await step(`powers of tau new (2^${power})`, () =>
    snarkjs.powersOfTau.newAccumulator(curve, power, p0, quietLogger()),
  );
  await step('powers of tau contribution (deterministic beacon)', () =>
    snarkjs.powersOfTau.beacon(p0, p1, 'interop-hub dev beacon', PTAU_BEACON, BEACON_ITERATIONS_EXP, quietLogger()),
  );
  await step('powers of tau prepare phase 2', () =>
    snarkjs.powersOfTau.preparePhase2(p1, `${file}.tmp`, quietLogger()),
  );
  renameSync(`${file}.tmp`, file);
  rmSync(p0, { force: true });
  rmSync(p1, { force: true });
  return { file, source: `dev:${power}` };
}

function hashSources() {
  const h = createHash('sha256');
  h.update(JSON.stringify(instance));
  for (const dir of [CIRCUIT_SRC]) {
    for (const f of readdirSync(dir)
      .filter((x) => x.endsWith('.circom'))
      .sort()) {
      h.update(f);
      h.update(readFileSync(path.join(dir, f)));
    }
  }
  for (const f of ['poseidon.circom', 'poseidon_constants.circom', 'bitify.circom', 'comparators.circom']) {
    h.update(readFileSync(path.join(CIRCOMLIB, f)));
  }
  return h.digest('hex');
}

function loadInstance(which) {
  const file = path.join(ROOT, 'circuits', 'instances', `${which}.json`);
  if (!existsSync(file)) throw new Error(`unknown instance "${which}" (no ${file})`);
  const j = JSON.parse(readFileSync(file, 'utf8'));
  for (const key of ['k', 'groupSize', 'chainDepth', 'sharedDepth']) {
    if (!Number.isInteger(j[key]) || j[key] < 1) throw new Error(`${file}: "${key}" must be a positive integer`);
  }
  // Groups of groupSize consecutive update slots (SPEC "Epoch shape"): a power of two >= 2 dividing k.
  if (j.groupSize < 2 || (j.groupSize & (j.groupSize - 1)) !== 0 || j.k % j.groupSize !== 0) {
    throw new Error(`${file}: "groupSize" must be a power of two >= 2 dividing k`);
  }
  if (2 ** j.chainDepth < j.groupSize) throw new Error(`${file}: "groupSize" exceeds the chain tree`);
  return { name: which, k: j.k, groupSize: j.groupSize, chainDepth: j.chainDepth, sharedDepth: j.sharedDepth };
}

function parseArgs(argv) {
  const out = { instance: 'test', updateKeys: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--instance') out.instance = argv[++i];
    else if (a.startsWith('--instance=')) out.instance = a.slice('--instance='.length);
    else if (a === '--update-keys') out.updateKeys = true;
    else {
      console.error(`usage: node scripts/build-circuits.mjs [--instance test|prod] [--update-keys] (unknown: ${a})`);
      process.exit(2);
    }
  }
  if (!/^[a-z0-9]+$/.test(out.instance ?? '')) {
    console.error('--instance must be a lowercase name such as test or prod');
    process.exit(2);
  }
  return out;
}

async function step(label, fn) {
  progress(`${label} ...`);
  const t = Date.now();
  await fn();
  const ms = Date.now() - t;
  timings[label] = ms;
  progress(`${label}: ${seconds(ms)}`);
}

function appendCacheLog(summary) {
  // Cold timings survive in the cache log (the build dir only knows the last, possibly warm, run).
  const file = path.join(cacheDir, 'build-log.json');
  const log = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
  log.push(summary);
  writeFileSync(file, `${JSON.stringify(log.slice(-50), null, 2)}\n`);
}

function progress(msg) {
  const t = seconds(Date.now() - started).padStart(7);
  console.log(`[build-circuits ${instance?.name ?? ''} ${t}] ${msg}`);
}

function quietLogger() {
  const noop = () => {};
  return {
    debug: noop,
    info: noop,
    // powersoftau new calls logger.log every 100k points (powers >= 2^16)
    log: noop,
    warn: (m) => progress(`snarkjs: ${m}`),
    error: (m) => progress(`snarkjs ERROR: ${m}`),
  };
}

/** JSON as the repo's prettier would write it (so `prettier --check` passes on the committed keys). */
async function formatJson(value) {
  const raw = `${JSON.stringify(value, null, 2)}\n`;
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(path.join(ROOT, 'circuits', 'keys', 'x.json'))) ?? {};
    return await prettier.format(raw, { ...options, parser: 'json' });
  } catch {
    return raw;
  }
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

function sha256Hex(s) {
  return createHash('sha256').update(s).digest('hex');
}

function readIf(file) {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function sha256File(file) {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}
