import { BN254_FIELD_ORDER } from '../bn254FieldOrder';
import { POSEIDON_CONSTANTS } from './poseidonConstants.generated';

const P = BN254_FIELD_ORDER;

/**
 * Precomputed, speed-oriented form of one Poseidon width. Equivalent to the textbook permutation (same output), but:
 * - the constants of the partial rounds' non-S-boxed lanes are carried forward into the first full round after
 *   them, so a partial round adds one scalar constant;
 * - each partial round's dense MDS is factored as `M'' · M'` where `M''` is sparse (first row, first column and the
 *   identity) and `M'` (identity on lane 0) commutes with the partial S-box, so it is pushed into the previous
 *   round's matrix. A partial round then costs 2t - 1 multiplications instead of t^2 (the "optimized Poseidon" of
 *   the Poseidon paper, appendix B, as used by circomlib's `poseidon.circom`).
 */
export type OptimizedPoseidon = {
  readonly t: number;
  readonly halfFull: number;
  readonly roundsPartial: number;
  /** Constants of the full rounds, in order (first half, then second half; the carry is folded into the latter). */
  readonly fullConstants: readonly (readonly bigint[])[];
  /** MDS of every full round but the last of the first half. */
  readonly mds: readonly (readonly bigint[])[];
  /** Matrix of the last full round of the first half (`M'_1 · M`). */
  readonly mdsBeforePartial: readonly (readonly bigint[])[];
  /** Scalar constant of each partial round (added to lane 0 before its S-box). */
  readonly partialConstants: readonly bigint[];
  /** Sparse matrix of each partial round: out0 = a·x0 + Σ w_j x_j, out_i = v_i·x0 + x_i. */
  readonly sparse: readonly { readonly a: bigint; readonly w: readonly bigint[]; readonly v: readonly bigint[] }[];
};

const mod = (x: bigint): bigint => ((x % P) + P) % P;

function invert(x: bigint): bigint {
  // Extended Euclid; x is a non-zero field element.
  let [a, b, u, v] = [mod(x), P, 1n, 0n];
  while (a !== 0n) {
    const q = b / a;
    [a, b] = [b - q * a, a];
    [u, v] = [v - q * u, u];
  }
  return mod(v);
}

function matMul(a: readonly (readonly bigint[])[], b: readonly (readonly bigint[])[]): bigint[][] {
  const n = a.length;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let acc = 0n;
      for (let k = 0; k < n; k++) acc += (a[i] as bigint[])[k]! * (b[k] as bigint[])[j]!;
      return acc % P;
    }),
  );
}

function matInverse(m: readonly (readonly bigint[])[]): bigint[][] {
  const n = m.length;
  const a = m.map((row, i) => [...row.map(mod), ...Array.from({ length: n }, (_, j) => (i === j ? 1n : 0n))]);
  for (let col = 0; col < n; col++) {
    const pivot = a.findIndex((row, r) => r >= col && row[col] !== 0n);
    if (pivot < 0) throw new Error('Poseidon MDS sub-matrix is singular');
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const inv = invert(a[col]![col]!);
    a[col] = a[col]!.map((x) => (x * inv) % P);
    for (let r = 0; r < n; r++) {
      if (r === col || a[r]![col] === 0n) continue;
      const f = a[r]![col]!;
      a[r] = a[r]!.map((x, k) => mod(x - f * a[col]![k]!));
    }
  }
  return a.map((row) => row.slice(n));
}

/** Builds the optimized form of width t from the plain circomlib constants (see {@link OptimizedPoseidon}). */
export function optimizePoseidon(t: number): OptimizedPoseidon | undefined {
  const raw = POSEIDON_CONSTANTS[t];
  if (!raw) return undefined;
  const rc = raw.roundConstants.map((row) => row.map((x) => BigInt(`0x${x}`)));
  const M = raw.mds.map((row) => row.map((x) => BigInt(`0x${x}`)));
  const halfFull = raw.roundsFull / 2;
  const rp = raw.roundsPartial;

  // 1. Constants: lanes 1..t-1 of a partial round's constant pass its S-box unchanged, so carry M·(0, c_rest) on.
  const partialConstants: bigint[] = [];
  let carry: bigint[] = new Array<bigint>(t).fill(0n);
  for (let r = halfFull; r < halfFull + rp; r++) {
    const e = rc[r]!.map((c, i) => (c + carry[i]!) % P);
    partialConstants.push(e[0]!);
    const rest = [0n, ...e.slice(1)];
    carry = M.map((row) => row.reduce((acc, m, j) => acc + m * rest[j]!, 0n) % P);
  }
  const fullConstants = [
    ...rc.slice(0, halfFull),
    ...rc.slice(halfFull + rp).map((row, i) => (i === 0 ? row.map((c, j) => (c + carry[j]!) % P) : row)),
  ];

  // 2. Matrices, from the last partial round backwards: A = M''·M' with M' = diag(1, D); A_prev = M'·M.
  const sparse = new Array<{ a: bigint; w: bigint[]; v: bigint[] }>(rp);
  let A = M;
  for (let p = rp - 1; p >= 0; p--) {
    const a = A[0]![0]!;
    const b = A[0]!.slice(1);
    const v = A.slice(1).map((row) => row[0]!);
    const D = A.slice(1).map((row) => row.slice(1));
    const Dinv = matInverse(D);
    const w = b.map((_, j) => b.reduce((acc, bk, k) => acc + bk * Dinv[k]![j]!, 0n) % P);
    sparse[p] = { a, w, v };
    const Mprime = Array.from({ length: t }, (_, i) =>
      Array.from({ length: t }, (_, j) => (i === 0 || j === 0 ? (i === j ? 1n : 0n) : D[i - 1]![j - 1]!)),
    );
    A = matMul(Mprime, M);
  }
  return { t, halfFull, roundsPartial: rp, fullConstants, mds: M, mdsBeforePartial: A, partialConstants, sparse };
}
