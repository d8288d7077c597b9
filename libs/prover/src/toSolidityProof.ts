import type { Groth16Proof } from './types';

/** Proof arguments of the snarkjs-generated verifier's `verifyProof(a, b, c, pubSignals)`. */
export type SolidityProof = {
  a: [bigint, bigint];
  b: [[bigint, bigint], [bigint, bigint]];
  c: [bigint, bigint];
};

/**
 * Converts a snarkjs proof to the argument order of the generated Solidity verifier. The G2 point `b` has its
 * two Fp2 coordinates written (c0, c1) by snarkjs but read (c1, c0) by the EVM pairing precompile, so each pair is
 * swapped (as snarkjs's own `exportSolidityCallData` does); projective `z` coordinates (always 1) are dropped.
 *
 * @example
 * const { a, b, c } = toSolidityProof(proof);
 * await verifier.read.verifyProof([a, b, c, publicSignals.map(BigInt)]);
 */
export function toSolidityProof(proof: Groth16Proof): SolidityProof {
  const n = (v: string | undefined, what: string): bigint => {
    if (v === undefined) throw new TypeError(`proof is missing ${what}`);
    return BigInt(v);
  };
  const [a0, a1] = proof.pi_a;
  const [b0, b1] = proof.pi_b;
  const [c0, c1] = proof.pi_c;
  return {
    a: [n(a0, 'pi_a[0]'), n(a1, 'pi_a[1]')],
    b: [
      [n(b0?.[1], 'pi_b[0][1]'), n(b0?.[0], 'pi_b[0][0]')],
      [n(b1?.[1], 'pi_b[1][1]'), n(b1?.[0], 'pi_b[1][0]')],
    ],
    c: [n(c0, 'pi_c[0]'), n(c1, 'pi_c[1]')],
  };
}
