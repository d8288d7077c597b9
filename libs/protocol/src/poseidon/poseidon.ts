import { FieldElementOutOfRangeError, InvalidPoseidonArityError } from '../errors/field';
import { BN254_FIELD_ORDER } from './bn254FieldOrder';
import { optimizePoseidon, type OptimizedPoseidon } from './poseidonPermutation';
import { poseidonT3Unchecked } from './poseidonT3';

const P = BN254_FIELD_ORDER;

// Built once per width on first use: hashing never re-derives or re-parses constants.
const widths = new Map<number, OptimizedPoseidon>();

function widthFor(arity: number): OptimizedPoseidon {
  let w = widths.get(arity + 1);
  if (w) return w;
  w = optimizePoseidon(arity + 1);
  if (!w) throw new InvalidPoseidonArityError({ arity });
  widths.set(arity + 1, w);
  return w;
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
 * circomlib's Poseidon hash (`circomlib/circuits/poseidon.circom`, `Poseidon(n)`): width t = n + 1, state
 * `[0, ...inputs]`, 8 full rounds and circomlib's partial-round count (t=2:56, 3:57, 4:56, 5:60, 6:60), output
 * `state[0]`. Constants come from @noble/curves' Grain LFSR generator (see poseidonConstants.generated.ts); the
 * permutation is evaluated in the equivalent sparse form of poseidonPermutation.ts.
 *
 * Mirrors `poseidon-solidity` (PoseidonT3 / PoseidonT4 / PoseidonT6, used by contracts/src/libraries/PoseidonMerkle.sol
 * and Commitment.sol) and `Poseidon(n)` from circomlib as used in circuits/src/merkle.circom,
 * circuits/src/leaves.circom and circuits/src/commitment.circom.
 *
 * Every input must be a canonical field element: values >= r are rejected, never silently reduced.
 *
 * @param inputs - 1 to 5 field elements.
 * @returns The hash, a field element.
 * @throws {FieldElementOutOfRangeError} if an input is negative or >= r.
 * @throws {InvalidPoseidonArityError} if there are 0 or more than 5 inputs.
 *
 * @example
 * poseidon([1n, 2n]);
 * // 7853200120776062878684798364095072458815029376092732009249414926327459813530n
 */
export function poseidon(inputs: readonly bigint[]): bigint {
  const n = inputs.length;
  if (n < 1 || n > 5) throw new InvalidPoseidonArityError({ arity: n });
  for (let i = 0; i < n; i++) {
    const x = inputs[i] as bigint;
    if (typeof x !== 'bigint' || x < 0n || x >= P) {
      throw new FieldElementOutOfRangeError({ value: typeof x === 'bigint' ? x : -1n, name: `inputs[${i}]` });
    }
  }
  if (n === 2) return poseidonT3Unchecked(inputs[0] as bigint, inputs[1] as bigint);
  const { t, halfFull, roundsPartial, fullConstants, mds, mdsBeforePartial, partialConstants, sparse } = widthFor(n);

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

/**
 * Poseidon of two inputs (t = 3): the node hash of every Poseidon Merkle tree.
 * Mirrors `PoseidonT3.hash` (poseidon-solidity) and `Poseidon(2)` in circuits/src/merkle.circom.
 *
 * @example
 * poseidon2(1n, 2n) === poseidon([1n, 2n]); // true
 */
export function poseidon2(a: bigint, b: bigint): bigint {
  if (typeof a !== 'bigint' || a < 0n || a >= P || typeof b !== 'bigint' || b < 0n || b >= P) return poseidon([a, b]);
  return poseidonT3Unchecked(a, b);
}

/**
 * Poseidon of three inputs (t = 4): tagged leaves (`batchLeaf`, `chainLeaf`).
 * Mirrors `PoseidonT4.hash` (poseidon-solidity) and `Poseidon(3)` in circuits/src/leaves.circom.
 *
 * @example
 * poseidon3(1n, 2n, 3n) === poseidon([1n, 2n, 3n]); // true
 */
export function poseidon3(a: bigint, b: bigint, c: bigint): bigint {
  return poseidon([a, b, c]);
}

/**
 * Poseidon of five inputs (t = 6): the updates commitment chain.
 * Mirrors `PoseidonT6.hash` (poseidon-solidity) and `Poseidon(5)` in circuits/src/commitment.circom.
 *
 * @example
 * poseidon5(0n, 0n, 1n, 0n, 5n) === poseidon([0n, 0n, 1n, 0n, 5n]); // true
 */
export function poseidon5(a: bigint, b: bigint, c: bigint, d: bigint, e: bigint): bigint {
  return poseidon([a, b, c, d, e]);
}
