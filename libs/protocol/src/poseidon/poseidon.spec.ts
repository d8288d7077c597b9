import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildPoseidon, type CircomlibPoseidon } from 'circomlibjs';
import { poseidon1, poseidon2 as lite2, poseidon3 as lite3, poseidon4, poseidon5 as lite5 } from 'poseidon-lite';
import { FieldElementOutOfRangeError, InvalidPoseidonArityError } from '../errors/field';
import { ProtocolError } from '../errors/base';
import { BN254_FIELD_ORDER } from './bn254FieldOrder';
import { poseidon, poseidon2, poseidon3, poseidon5 } from './poseidon';
import { poseidonReference } from './reference/poseidonReference';

const liteByArity: Record<number, (inputs: bigint[]) => bigint> = {
  1: poseidon1,
  2: lite2,
  3: lite3,
  4: poseidon4,
  5: lite5,
};

const fieldElement = fc.bigInt({ min: 0n, max: BN254_FIELD_ORDER - 1n });

describe('poseidon', () => {
  let reference: CircomlibPoseidon;
  // circomlibjs builds its Poseidon as wasm: seconds on a loaded machine, more than jest's 5 s hook default.
  beforeAll(async () => {
    reference = await buildPoseidon();
  }, 60_000);
  const ref = (inputs: bigint[]): bigint => reference.F.toObject(reference(inputs));

  it('matches the known circomlib value of Poseidon(1, 2)', () => {
    expect(poseidon([1n, 2n])).toBe(7853200120776062878684798364095072458815029376092732009249414926327459813530n);
  });

  it.each([1, 2, 3, 4, 5])('matches circomlibjs for random inputs of arity %i', (arity) => {
    fc.assert(
      fc.property(fc.array(fieldElement, { minLength: arity, maxLength: arity }), (inputs) => {
        expect(poseidon(inputs)).toBe(ref(inputs));
      }),
      { numRuns: 40 },
    );
  });

  it.each([1, 2, 3, 4, 5])(
    'matches the independent TS reference (constants from @noble/curves) and poseidon-lite, arity %i',
    (arity) => {
      const lite = liteByArity[arity]!;
      fc.assert(
        fc.property(fc.array(fieldElement, { minLength: arity, maxLength: arity }), (inputs) => {
          const h = poseidon(inputs);
          expect(h).toBe(poseidonReference(inputs));
          expect(h).toBe(lite(inputs));
        }),
        { numRuns: 40 },
      );
    },
  );

  it('matches circomlibjs at the field edges', () => {
    const r1 = BN254_FIELD_ORDER - 1n;
    for (const inputs of [[0n, 0n], [r1, r1], [0n, r1, 0n], [r1, r1, r1, r1, r1], [0n]]) {
      expect(poseidon(inputs)).toBe(ref(inputs));
      expect(poseidon(inputs)).toBe(poseidonReference(inputs));
    }
  });

  it('convenience forms equal the array form', () => {
    expect(poseidon2(3n, 4n)).toBe(poseidon([3n, 4n]));
    expect(poseidon3(3n, 4n, 5n)).toBe(poseidon([3n, 4n, 5n]));
    expect(poseidon5(1n, 2n, 3n, 4n, 5n)).toBe(poseidon([1n, 2n, 3n, 4n, 5n]));
  });

  it('rejects inputs >= r and negative inputs with a typed error', () => {
    expect(() => poseidon([BN254_FIELD_ORDER, 0n])).toThrow(FieldElementOutOfRangeError);
    expect(() => poseidon([0n, -1n])).toThrow(FieldElementOutOfRangeError);
    expect(() => poseidon2(BN254_FIELD_ORDER, 0n)).toThrow(FieldElementOutOfRangeError);
    expect(() => poseidon2(0n, -1n)).toThrow(FieldElementOutOfRangeError);
    expect(() => poseidon3(0n, 0n, BN254_FIELD_ORDER)).toThrow(FieldElementOutOfRangeError);
    try {
      poseidon([0n, BN254_FIELD_ORDER + 5n]);
      throw new Error('unreachable');
    } catch (e) {
      expect(e).toBeInstanceOf(ProtocolError);
      expect((e as FieldElementOutOfRangeError).code).toBe('FIELD_ELEMENT_OUT_OF_RANGE');
      expect((e as FieldElementOutOfRangeError).shortMessage).toContain('inputs[1]');
    }
  });

  it('rejects unsupported arities', () => {
    expect(() => poseidon([])).toThrow(InvalidPoseidonArityError);
    expect(() => poseidon([1n, 2n, 3n, 4n, 5n, 6n])).toThrow(InvalidPoseidonArityError);
  });

  it('ships constants equal to what @noble/curves grainGenConstants derives now', () => {
    const script = join(__dirname, '..', '..', 'scripts', 'generatePoseidonConstants.ts');
    const out = execFileSync(
      join(__dirname, '..', '..', '..', '..', 'node_modules', '.bin', 'tsx'),
      [script, '--check'],
      {
        encoding: 'utf8',
      },
    );
    expect(out).toContain('up to date');
  }, 60_000);
});
