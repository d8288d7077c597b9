import { BN254_FIELD_ORDER } from './bn254FieldOrder';

/**
 * circomlibjs' Poseidon WebAssembly (`buildPoseidonWasm`: the permutation over wasmcurves' Montgomery field code,
 * with circomlib's constants), built and instantiated synchronously on first use.
 *
 * Why not circomlibjs' `buildPoseidon()`: it is async (it compiles the whole bn128 curve module through ffjavascript's
 * thread manager) and converts every input and output through ffjavascript's generic field object, which costs about
 * as much as the permutation. Here the module holds only the scalar field (`buildF1m`) and the Poseidon code, the
 * inputs are written as 64-bit limbs straight into its memory and converted to and from Montgomery form by the
 * module's own `frm_toMontgomery` / `frm_fromMontgomery`. bench/protocol measures this next to the other libraries
 * (own TS code, circomlibjs' own API, poseidon-lite, @lightprotocol/hasher.rs, @railgun-community/poseidon-hash-wasm):
 * it is the fastest of them that reproduces circomlib's outputs.
 *
 * The lazy `require`s keep the cost of loading circomlibjs (about 0.5 s) and building the module (about 0.3 s) off
 * programs that import @interop/protocol but never hash.
 */

/** The parts of wasmbuilder's `ModuleBuilder` used here. */
type ModuleBuilder = {
  free: number;
  setMemory(pages: number): void;
  alloc(size: number): number;
  build(): number[];
};

type PoseidonExports = {
  poseidon(pState: number, pIn: number, n: number, pOut: number, nOut: number): void;
  frm_toMontgomery(pIn: number, pOut: number): void;
  frm_fromMontgomery(pIn: number, pOut: number): void;
};

type Engine = { exports: PoseidonExports; limbs: BigUint64Array; pIn: number; pState: number; pOut: number };

let engine: Engine | undefined;

/** Largest arity the buffers are sized for (the public API allows 1 to 5). */
const MAX_INPUTS = 16;
const MASK64 = (1n << 64n) - 1n;

function load(): Engine {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see the file comment */
  const { ModuleBuilder } = require('wasmbuilder') as { ModuleBuilder: new () => ModuleBuilder };
  const { buildF1m } = require('wasmcurves') as {
    buildF1m(module: ModuleBuilder, q: bigint, prefix: string): string;
  };
  const { buildPoseidonWasm } = require('circomlibjs') as { buildPoseidonWasm(module: ModuleBuilder): void };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const builder = new ModuleBuilder();
  buildF1m(builder, BN254_FIELD_ORDER, 'frm');
  buildPoseidonWasm(builder);
  const pIn = builder.alloc(32 * MAX_INPUTS);
  const pState = builder.alloc(32);
  const pOut = builder.alloc(32);
  const pages = Math.ceil(builder.free / 65536) + 1;
  builder.setMemory(pages);
  const memory = new WebAssembly.Memory({ initial: pages });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(builder.build())), {
    env: { memory },
  });
  const exports = instance.exports as unknown as PoseidonExports;
  return { exports, limbs: new BigUint64Array(memory.buffer), pIn, pState, pOut };
}

/**
 * Poseidon of `inputs` (circomlib's `Poseidon(n)`, output `state[0]`). Inputs must already be checked canonical field
 * elements and 1 <= n <= 16: nothing is validated here (see `poseidon()` for the checked API).
 */
export function poseidonWasmUnchecked(inputs: readonly bigint[]): bigint {
  const e = (engine ??= load());
  const { exports, limbs, pIn, pState, pOut } = e;
  const n = inputs.length;
  for (let k = 0; k < n; k++) {
    const x = inputs[k] as bigint;
    const i = (pIn >> 3) + 4 * k;
    limbs[i] = x & MASK64;
    limbs[i + 1] = (x >> 64n) & MASK64;
    limbs[i + 2] = (x >> 128n) & MASK64;
    limbs[i + 3] = x >> 192n;
    exports.frm_toMontgomery(pIn + 32 * k, pIn + 32 * k);
  }
  const s = pState >> 3;
  limbs[s] = 0n;
  limbs[s + 1] = 0n;
  limbs[s + 2] = 0n;
  limbs[s + 3] = 0n;
  exports.poseidon(pState, pIn, n, pOut, 1);
  exports.frm_fromMontgomery(pOut, pOut);
  const o = pOut >> 3;
  return (
    (limbs[o] as bigint) |
    ((limbs[o + 1] as bigint) << 64n) |
    ((limbs[o + 2] as bigint) << 128n) |
    ((limbs[o + 3] as bigint) << 192n)
  );
}
