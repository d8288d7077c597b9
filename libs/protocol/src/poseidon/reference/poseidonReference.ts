import { BN254_FIELD_ORDER } from '../bn254FieldOrder';
import { optimizePoseidon, type OptimizedPoseidon } from './poseidonPermutation';
import { poseidonT3Reference } from './poseidonT3Reference';

const P = BN254_FIELD_ORDER;

// Built once per width on first use.
const widths = new Map<number, OptimizedPoseidon | undefined>();

function widthFor(arity: number): OptimizedPoseidon | undefined {
  if (!widths.has(arity + 1)) widths.set(arity + 1, optimizePoseidon(arity + 1));
  return widths.get(arity + 1);
}

/**
 * x^5 mod r. Reducing after each multiplication keeps operands at 254 bits, which measured faster in V8 than one
 * reduction of a 1270-bit product.
 */
function sbox(x: bigint): bigint {
  const x2 = (x * x) % P;
  return (((x2 * x2) % P) * x) % P;
}

/** state <- m · state, reducing once per output lane. */
function mix(state: bigint[], m: readonly (readonly bigint[])[], t: number): bigint[] {
  const next = new Array<bigint>(t);
  for (let i = 0; i < t; i++) {
    const row = m[i] as readonly bigint[];
    let acc = 0n;
    for (let j = 0; j < t; j++) acc += (row[j] as bigint) * (state[j] as bigint);
    next[i] = acc % P;
  }
  return next;
}

/**
 * The former TypeScript Poseidon (BigInt arithmetic), kept as an independent reference: its constants come from
 * @noble/curves' Grain LFSR generator (poseidonConstants.generated.ts, checked by a unit test), not from circomlibjs,
 * whose WASM code `poseidon()` now runs. Tests compare the two; bench/protocol measures it side by side. Not exported
 * from the package and not used at run time. Inputs must be field elements (1 to 5 of them); nothing is checked.
 */
export function poseidonReference(inputs: readonly bigint[]): bigint {
  const n = inputs.length;
  if (n === 2) return poseidonT3Reference(inputs[0] as bigint, inputs[1] as bigint);
  const w = widthFor(n);
  if (!w) throw new Error(`no reference Poseidon for arity ${n}`);
  const { t, halfFull, roundsPartial, fullConstants, mds, mdsBeforePartial, partialConstants, sparse } = w;

  let s: bigint[] = new Array<bigint>(t);
  s[0] = 0n;
  for (let i = 0; i < n; i++) s[i + 1] = inputs[i] as bigint;

  // First half of the full rounds. Adding a constant (< r) to a reduced value stays < 2r: no reduction needed.
  for (let r = 0; r < halfFull; r++) {
    const c = fullConstants[r] as readonly bigint[];
    for (let i = 0; i < t; i++) s[i] = sbox((s[i] as bigint) + (c[i] as bigint));
    s = mix(s, r === halfFull - 1 ? mdsBeforePartial : mds, t);
  }

  // Partial rounds: one S-box and a sparse matrix. Lanes 1..t-1 are left unreduced (they grow by about one bit per
  // round), which saves t-1 reductions per round.
  for (let p = 0; p < roundsPartial; p++) {
    const x0 = sbox((s[0] as bigint) + (partialConstants[p] as bigint));
    const { a, w, v } = sparse[p] as OptimizedPoseidon['sparse'][number];
    let acc = a * x0;
    for (let j = 1; j < t; j++) {
      const sj = s[j] as bigint;
      acc += (w[j - 1] as bigint) * sj;
      s[j] = sj + (v[j - 1] as bigint) * x0;
    }
    s[0] = acc % P;
  }

  // Second half of the full rounds (reduce the lazily kept lanes first).
  for (let r = halfFull; r < 2 * halfFull; r++) {
    const c = fullConstants[r] as readonly bigint[];
    for (let i = 0; i < t; i++) s[i] = sbox(((s[i] as bigint) % P) + (c[i] as bigint));
    s = mix(s, mds, t);
  }
  return s[0] as bigint;
}
