import { toSolidityProof } from './toSolidityProof';

describe('toSolidityProof', () => {
  it('drops z coordinates and swaps the Fp2 halves of b (EVM precompile order)', () => {
    const proof = {
      pi_a: ['1', '2', '1'],
      pi_b: [
        ['3', '4'],
        ['5', '6'],
        ['1', '0'],
      ],
      pi_c: ['7', '8', '1'],
      protocol: 'groth16',
      curve: 'bn128',
    };
    expect(toSolidityProof(proof)).toEqual({
      a: [1n, 2n],
      b: [
        [4n, 3n],
        [6n, 5n],
      ],
      c: [7n, 8n],
    });
  });

  it('rejects a truncated proof', () => {
    expect(() => toSolidityProof({ pi_a: ['1'], pi_b: [], pi_c: [], protocol: 'groth16', curve: 'bn128' })).toThrow(
      /pi_a\[1\]/,
    );
  });
});
