// Helpers of the circuit witness tests: compile a test harness (cached by source hash) and compute witnesses with
// circom's generated witness calculator, whose failing `===` assertions mirror unsatisfied constraints.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import * as snarkjs from 'snarkjs';

export const ROOT = path.resolve(__dirname, '..', '..');

export type Circuit = { wasm: string; r1cs: string; calculator: string };

/** Compiles circuits/test/circuits/<name>.circom into circuits/build/templates/<name>/ unless up to date. */
export function compileHarness(name: string): Circuit {
  return compileFile(name, path.join(ROOT, 'circuits', 'test', 'circuits', `${name}.circom`));
}

function compileFile(name: string, src: string): Circuit {
  const out = path.join(ROOT, 'circuits', 'build', 'templates', name);
  const h = createHash('sha256').update(readFileSync(src));
  const srcDir = path.join(ROOT, 'circuits', 'src');
  for (const f of readdirSync(srcDir).sort()) h.update(readFileSync(path.join(srcDir, f)));
  const hash = h.digest('hex');
  const circuit: Circuit = {
    wasm: path.join(out, `${name}_js`, `${name}.wasm`),
    r1cs: path.join(out, `${name}.r1cs`),
    calculator: path.join(out, `${name}_js`, 'witness_calculator.js'),
  };
  const stamp = path.join(out, 'source.hash');
  if (existsSync(circuit.wasm) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return circuit;
  mkdirSync(out, { recursive: true });
  const res = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'circom2', 'cli.js'),
      path.relative(ROOT, src),
      '--r1cs',
      '--wasm',
      '--O2',
      '-l',
      'node_modules',
      '-o',
      path.relative(ROOT, out),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (res.status !== 0) throw new Error(`circom failed for ${name}: ${res.stdout}\n${res.stderr}`);
  writeFileSync(stamp, hash);
  return circuit;
}

type Calculator = { calculateWitness(input: unknown, sanityCheck: boolean): Promise<bigint[]> };

const calculators = new Map<string, Promise<Calculator>>();

/** The full witness vector (index 0 is the constant 1, then outputs, then public inputs, then private). */
export async function witness(
  circuit: Pick<Circuit, 'wasm' | 'calculator'>,
  input: Record<string, unknown>,
): Promise<bigint[]> {
  let calc = calculators.get(circuit.wasm);
  if (!calc) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const build = require(circuit.calculator) as (code: Buffer) => Promise<Calculator>;
    calc = build(readFileSync(circuit.wasm));
    calculators.set(circuit.wasm, calc);
  }
  return (await calc).calculateWitness(input, true);
}

/** Computes the witness with snarkjs and checks it against every R1CS constraint (not only the wasm asserts). */
export async function checkConstraints(
  circuit: Pick<Circuit, 'wasm' | 'r1cs'>,
  input: Record<string, unknown>,
): Promise<boolean> {
  const wtns = { type: 'mem' } as { type: 'mem'; data?: Uint8Array };
  await snarkjs.wtns.calculate(input, circuit.wasm, wtns);
  return snarkjs.wtns.check(circuit.r1cs, wtns);
}

/** Stringifies bigints (nested) for the witness calculator. */
export function decimals(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(decimals);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decimals(x)]));
  return v;
}
