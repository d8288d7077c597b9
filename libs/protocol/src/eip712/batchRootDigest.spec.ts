import fc from 'fast-check';
import { bytesToHex, hashTypedData, keccak256, toHex, type Hex } from 'viem';

import { batchRootDigester, contractSignatureParts, SECP256K1_HALF_ORDER } from './batchRootDigest';
import { interopHubDomain } from './interopHubDomain';
import { batchRootTypes } from './types';

const domain = interopHubDomain(31337n, '0x5FbDB2315678afecb367f032d93F642f64180aa3');
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('batchRootDigester', () => {
  it('gives the EIP-712 digest viem computes, for any commitment', () => {
    const digest = batchRootDigester(domain);
    fc.assert(
      fc.property(u64, u64, bytes32, bytes32, fc.nat(2 ** 32 - 1), u64, u64, (...v) => {
        const [chainId, batchNumber, root, chainRoot, messageCount, firstBlock, lastBlock] = v;
        const c = {
          chainId,
          batchNumber,
          batchRoot: bytesToHex(root),
          chainRoot: bytesToHex(chainRoot),
          messageCount,
          firstBlock,
          lastBlock,
        };
        const expected = hashTypedData({ domain, types: batchRootTypes, primaryType: 'BatchRoot', message: c });
        expect(bytesToHex(digest(c))).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses values that do not fit their Solidity types', () => {
    const digest = batchRootDigester(domain);
    const c = {
      chainId: 1n,
      batchNumber: 0n,
      batchRoot: keccak256('0x01'),
      chainRoot: keccak256('0x02'),
      messageCount: 1,
      firstBlock: 0n,
      lastBlock: 0n,
    };
    expect(() => digest({ ...c, chainId: 2n ** 64n })).toThrow(RangeError);
    expect(() => digest({ ...c, messageCount: 2 ** 32 })).toThrow(RangeError);
    expect(() => digest({ ...c, batchRoot: '0x01' })).toThrow(RangeError);
    expect(() => digest({ ...c, chainRoot: '0x01' })).toThrow(RangeError);
  });
});

describe('contractSignatureParts (the rules of TypedData.recover in InteropHub.sol)', () => {
  const r = 'ab'.repeat(32);
  const low = toHex(SECP256K1_HALF_ORDER, { size: 32 }).slice(2);
  const high = toHex(SECP256K1_HALF_ORDER + 1n, { size: 32 }).slice(2);
  const sig = (s: string, v: string): Hex => `0x${r}${s}${v}`;

  it('accepts v 27/28 and 0/1 with s up to n/2', () => {
    expect(contractSignatureParts(sig(low, '1b'))?.recovery).toBe(0);
    expect(contractSignatureParts(sig(low, '1c'))?.recovery).toBe(1);
    expect(contractSignatureParts(sig(low, '00'))?.recovery).toBe(0);
    expect(contractSignatureParts(sig(low, '01'))?.recovery).toBe(1);
    expect(contractSignatureParts(sig(low, '1b'))?.compact).toHaveLength(64);
  });

  it('refuses a high s, another v and another length', () => {
    expect(contractSignatureParts(sig(high, '1b'))).toBeUndefined();
    expect(contractSignatureParts(sig(low, '1d'))).toBeUndefined();
    expect(contractSignatureParts(sig(low, '02'))).toBeUndefined();
    expect(contractSignatureParts(`0x${r}${low}`)).toBeUndefined();
    expect(contractSignatureParts('0x1234')).toBeUndefined();
  });
});
