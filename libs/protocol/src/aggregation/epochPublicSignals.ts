import { concatBytes, hexToBytes, keccak256, numberToHex } from 'viem';

import { FieldElementOutOfRangeError } from '../errors/field';
import { BN254_FIELD_ORDER } from '../poseidon/bn254FieldOrder';
import { TAG_EPOCH } from '../poseidon/domainTags';
import { poseidon5 } from '../poseidon/poseidon';
import type { EpochPublicSignals } from './types';

/**
 * The epoch data commitment of SPEC "Epoch data": `c = TAG_EPOCH`, then `c = P5(c, D[i..i+3])` for every 4
 * elements of `D` (zero-padded). The circuit's first public signal; computed by the circuit
 * (circuits/src/aggregation.circom `EpochDataCommitment`) and here, never on L1.
 *
 * @throws {FieldElementOutOfRangeError} if an element is not canonical.
 *
 * @example
 * epochDataCommitment([1n, 2n]); // P5(3, 1, 2, 0, 0)
 */
export function epochDataCommitment(data: readonly bigint[]): bigint {
  let c = TAG_EPOCH;
  for (let i = 0; i < data.length; i += 4) {
    c = poseidon5(c, data[i] ?? 0n, data[i + 1] ?? 0n, data[i + 2] ?? 0n, data[i + 3] ?? 0n);
  }
  return c;
}

/**
 * The challenge of SPEC "Epoch data": `uint256(keccak256(abi.encodePacked(dataCommitment, D[0], ..., D[N-1])))
 * mod r`. Mirrors `InteropHub._challenge` (contracts/src/InteropHub.sol).
 *
 * @throws {FieldElementOutOfRangeError} if a value is not canonical.
 *
 * @example
 * epochChallenge(epochDataCommitment(d), d);
 */
export function epochChallenge(dataCommitment: bigint, data: readonly bigint[]): bigint {
  const words = [dataCommitment, ...data].map((x, i) => {
    if (x < 0n || x >= BN254_FIELD_ORDER) {
      throw new FieldElementOutOfRangeError({ value: x, name: i === 0 ? 'dataCommitment' : `D[${i - 1}]` });
    }
    return hexToBytes(numberToHex(x, { size: 32 }));
  });
  return BigInt(keccak256(concatBytes(words))) % BN254_FIELD_ORDER;
}

/**
 * `sum D[i] * z^i mod r` (Horner), SPEC "Epoch data". Mirrors `InteropHub._evaluate` and the circuit's evaluation.
 *
 * @example
 * evaluateEpochData([5n, 7n], 2n); // 19n
 */
export function evaluateEpochData(data: readonly bigint[], challenge: bigint): bigint {
  let y = 0n;
  for (let i = data.length - 1; i >= 0; i--) y = (y * challenge + (data[i] as bigint)) % BN254_FIELD_ORDER;
  return y;
}

/**
 * The three public signals of an epoch's proof, `[dataCommitment, challenge, evaluation]` (SPEC "Epoch data"),
 * from its data vector (`epochData`).
 *
 * @example
 * const { dataCommitment, challenge, evaluation } = epochPublicSignals(epochData(oldRoot, newRoot, groups, shape));
 */
export function epochPublicSignals(data: readonly bigint[]): EpochPublicSignals {
  const dataCommitment = epochDataCommitment(data);
  const challenge = epochChallenge(dataCommitment, data);
  return { dataCommitment, challenge, evaluation: evaluateEpochData(data, challenge) };
}

/** The public signals as snarkjs lists them (decimal strings, in circuit order). */
export function publicSignalsList(s: EpochPublicSignals): [string, string, string] {
  return [s.dataCommitment.toString(), s.challenge.toString(), s.evaluation.toString()];
}
