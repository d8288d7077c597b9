import { FieldElementOutOfRangeError, InvalidBytes32Error } from '../errors/field';
import { InvalidTreeDepthError } from '../errors/tree';
import { BN254_FIELD_ORDER } from './bn254FieldOrder';
import { batchLeaf } from './batchLeaf';
import { chainLeaf } from './chainLeaf';
import { TAG_BATCH, TAG_CHAIN } from './domainTags';
import { poseidon2, poseidon3 } from './poseidon';
import { poseidonZeroHashes } from './poseidonZeroHashes';
import { toField } from './toField';
import { bytes32ToField } from './bytes32ToField';
import { fieldToBytes32 } from './fieldToBytes32';

describe('toField', () => {
  it('reduces bytes32 modulo r', () => {
    expect(toField(`0x${'00'.repeat(31)}05`)).toBe(5n);
    const max = `0x${'ff'.repeat(32)}` as const;
    expect(toField(max)).toBe((2n ** 256n - 1n) % BN254_FIELD_ORDER);
    expect(toField(`0x${BN254_FIELD_ORDER.toString(16).padStart(64, '0')}`)).toBe(0n);
  });
  it('rejects values that are not 32 bytes', () => {
    expect(() => toField('0x05')).toThrow(InvalidBytes32Error);
    expect(() => toField(`0x${'zz'.repeat(32)}`)).toThrow(InvalidBytes32Error);
  });
});

describe('leaves', () => {
  const root = `0x${'ab'.repeat(32)}` as const;
  it('batchLeaf = P3(TAG_BATCH, toField(root), n)', () => {
    expect(TAG_BATCH).toBe(1n);
    expect(batchLeaf(root, 7n)).toBe(poseidon3(1n, toField(root), 7n));
  });
  it('chainLeaf = P3(TAG_CHAIN, chainRoot, chainId)', () => {
    expect(TAG_CHAIN).toBe(2n);
    expect(chainLeaf(123n, 31337n)).toBe(poseidon3(2n, 123n, 31337n));
  });
  it('tags separate the two leaf kinds', () => {
    expect(batchLeaf(`0x${'00'.repeat(31)}7b`, 31337n)).not.toBe(chainLeaf(123n, 31337n));
  });
  it('rejects a batch number >= r', () => {
    expect(() => batchLeaf(root, BN254_FIELD_ORDER)).toThrow(FieldElementOutOfRangeError);
  });
});

describe('poseidonZeroHashes', () => {
  it('chains Z(i+1) = P2(Z(i), Z(i)) from 0', () => {
    const z = poseidonZeroHashes(4);
    expect(z).toHaveLength(5);
    expect(z[0]).toBe(0n);
    for (let i = 0; i < 4; i++) expect(z[i + 1]).toBe(poseidon2(z[i]!, z[i]!));
  });
  it('is a prefix-consistent cache', () => {
    expect(poseidonZeroHashes(20).slice(0, 5)).toEqual(poseidonZeroHashes(4));
    expect(poseidonZeroHashes(0)).toEqual([0n]);
  });
  it('rejects bad depths', () => {
    expect(() => poseidonZeroHashes(-1)).toThrow(InvalidTreeDepthError);
    expect(() => poseidonZeroHashes(1.5)).toThrow(InvalidTreeDepthError);
  });
});

describe('fieldToBytes32 / bytes32ToField', () => {
  it('round-trips field elements big-endian', () => {
    expect(fieldToBytes32(5n)).toBe(`0x${'00'.repeat(31)}05`);
    const r1 = BN254_FIELD_ORDER - 1n;
    expect(bytes32ToField(fieldToBytes32(r1))).toBe(r1);
  });
  it('rejects non-canonical values instead of reducing them', () => {
    expect(() => fieldToBytes32(BN254_FIELD_ORDER)).toThrow(FieldElementOutOfRangeError);
    expect(() => fieldToBytes32(-1n)).toThrow(FieldElementOutOfRangeError);
    expect(() => bytes32ToField(`0x${'ff'.repeat(32)}`)).toThrow(FieldElementOutOfRangeError);
    expect(() => bytes32ToField('0x01')).toThrow(InvalidBytes32Error);
  });
});
