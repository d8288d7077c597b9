import { FieldElementOutOfRangeError, InvalidPoseidonArityError } from '../errors/field';
import { BN254_FIELD_ORDER } from './bn254FieldOrder';
import { poseidonWasmUnchecked } from './poseidonWasm';

const P = BN254_FIELD_ORDER;

/**
 * circomlib's Poseidon hash (`circomlib/circuits/poseidon.circom`, `Poseidon(n)`): width t = n + 1, state
 * `[0, ...inputs]`, 8 full rounds and circomlib's partial-round count (t=2:56, 3:57, 4:56, 5:60, 6:60), output
 * `state[0]`. Computed by circomlibjs' Poseidon WebAssembly (see poseidonWasm.ts); the former TypeScript
 * implementation (reference/, constants from @noble/curves' Grain LFSR generator) is kept as the tests' independent
 * reference.
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
  return poseidonWasmUnchecked(inputs);
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
  return poseidonWasmUnchecked([a, b]);
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
