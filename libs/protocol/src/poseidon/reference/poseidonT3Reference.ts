import { BN254_FIELD_ORDER } from '../bn254FieldOrder';
import { optimizePoseidon, type OptimizedPoseidon } from './poseidonPermutation';

const P = BN254_FIELD_ORDER;

type T3 = {
  c: bigint[];
  m: bigint[];
  mb: bigint[];
  pc: readonly bigint[];
  sa: bigint[];
  sw0: bigint[];
  sw1: bigint[];
  sv0: bigint[];
  sv1: bigint[];
  rp: number;
};
let cached: T3 | undefined;

function constants(): T3 {
  if (cached) return cached;
  const o = optimizePoseidon(3) as OptimizedPoseidon;
  const s = o.sparse;
  cached = {
    c: o.fullConstants.flat(),
    m: o.mds.flat(),
    mb: o.mdsBeforePartial.flat(),
    pc: o.partialConstants,
    sa: s.map((x) => x.a),
    sw0: s.map((x) => x.w[0] as bigint),
    sw1: s.map((x) => x.w[1] as bigint),
    sv0: s.map((x) => x.v[0] as bigint),
    sv1: s.map((x) => x.v[1] as bigint),
    rp: o.roundsPartial,
  };
  return cached;
}

function sbox(x: bigint): bigint {
  const x2 = (x * x) % P;
  return (((x2 * x2) % P) * x) % P;
}

/**
 * The width-3 permutation (Poseidon of two inputs) with the state in three locals instead of an array: the hot path
 * of every Merkle tree, measured 10-20% faster than the generic loop. Same rounds as `poseidonReference()` (see
 * poseidonPermutation.ts). Inputs must already be checked field elements.
 */
export function poseidonT3Reference(a: bigint, b: bigint): bigint {
  const { c, m, mb, pc, sa, sw0, sw1, sv0, sv1, rp } = constants();
  let s0 = 0n;
  let s1 = a;
  let s2 = b;
  for (let r = 0; r < 4; r++) {
    const x0 = sbox(s0 + (c[3 * r] as bigint));
    const x1 = sbox(s1 + (c[3 * r + 1] as bigint));
    const x2 = sbox(s2 + (c[3 * r + 2] as bigint));
    const k = r < 3 ? m : mb;
    s0 = ((k[0] as bigint) * x0 + (k[1] as bigint) * x1 + (k[2] as bigint) * x2) % P;
    s1 = ((k[3] as bigint) * x0 + (k[4] as bigint) * x1 + (k[5] as bigint) * x2) % P;
    s2 = ((k[6] as bigint) * x0 + (k[7] as bigint) * x1 + (k[8] as bigint) * x2) % P;
  }
  for (let p = 0; p < rp; p++) {
    const x0 = sbox(s0 + (pc[p] as bigint));
    s0 = ((sa[p] as bigint) * x0 + (sw0[p] as bigint) * s1 + (sw1[p] as bigint) * s2) % P;
    // Lanes 1 and 2 stay unreduced through the partial rounds (about one bit of growth per round).
    s1 += (sv0[p] as bigint) * x0;
    s2 += (sv1[p] as bigint) * x0;
  }
  s1 %= P;
  s2 %= P;
  for (let r = 4; r < 8; r++) {
    const x0 = sbox(s0 + (c[3 * r] as bigint));
    const x1 = sbox(s1 + (c[3 * r + 1] as bigint));
    const x2 = sbox(s2 + (c[3 * r + 2] as bigint));
    s0 = ((m[0] as bigint) * x0 + (m[1] as bigint) * x1 + (m[2] as bigint) * x2) % P;
    s1 = ((m[3] as bigint) * x0 + (m[4] as bigint) * x1 + (m[5] as bigint) * x2) % P;
    s2 = ((m[6] as bigint) * x0 + (m[7] as bigint) * x1 + (m[8] as bigint) * x2) % P;
  }
  return s0;
}
