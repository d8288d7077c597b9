import { InvalidArgumentError } from 'commander';

import {
  parseAddress,
  parseAmount,
  parseChainId,
  parseGasLimit,
  parseHexBytes,
  parseMessageId,
  parsePositiveInt,
  parsePrivateKey,
  parseTime,
} from './args';

describe('argument parsers', () => {
  it('chain ids: positive uint64 decimals only', () => {
    expect(parseChainId('901')).toBe(901n);
    expect(parseChainId('18446744073709551615')).toBe(2n ** 64n - 1n);
    for (const bad of ['0', '-1', '1.5', 'abc', '0x10', '18446744073709551616', '']) {
      expect(() => parseChainId(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('addresses, message ids, keys and hex bytes', () => {
    const a = `0x${'Ab'.repeat(20)}`;
    expect(parseAddress(a)).toBe(a);
    expect(() => parseAddress('0x12')).toThrow('20-byte address');
    expect(parseMessageId(`0x${'AB'.repeat(32)}`)).toBe(`0x${'ab'.repeat(32)}`);
    expect(() => parseMessageId(`0x${'ab'.repeat(31)}`)).toThrow('64 hex digits');
    expect(parsePrivateKey(`0x${'11'.repeat(32)}`)).toBe(`0x${'11'.repeat(32)}`);
    expect(() => parsePrivateKey('11'.repeat(32))).toThrow(InvalidArgumentError);
    expect(parseHexBytes('0x')).toBe('0x');
    expect(parseHexBytes('0xDEADbeef')).toBe('0xdeadbeef');
    expect(() => parseHexBytes('0xabc')).toThrow('hex bytes');
    expect(() => parseHexBytes('deadbeef')).toThrow(InvalidArgumentError);
  });

  it('integers: positive ints and gas limits', () => {
    expect(parsePositiveInt('30')).toBe(30);
    expect(() => parsePositiveInt('0')).toThrow(InvalidArgumentError);
    expect(() => parsePositiveInt('1e3')).toThrow(InvalidArgumentError);
    expect(parseGasLimit('200000')).toBe(200_000n);
    expect(() => parseGasLimit('18446744073709551616')).toThrow('uint64');
  });

  it('amounts: base units, or tokens scaled by decimals, exactly (no float)', () => {
    expect(parseAmount('1000', undefined)).toBe(1000n);
    expect(parseAmount('1.5', 18)).toBe(1_500_000_000_000_000_000n);
    expect(parseAmount('0.000000000000000001', 18)).toBe(1n);
    expect(parseAmount('123456789012345678901234567890', undefined)).toBe(123456789012345678901234567890n);
    expect(() => parseAmount('0', undefined)).toThrow('positive');
    expect(() => parseAmount('0.0', 18)).toThrow('positive');
    expect(() => parseAmount('1.234', 2)).toThrow('2 decimals');
    expect(() => parseAmount('1.5', undefined)).toThrow('decimals');
    for (const bad of ['-1', '1e18', '1,5', 'ten', ''])
      expect(() => parseAmount(bad, 18)).toThrow(InvalidArgumentError);
  });

  it('times: ISO dates, date-times, now and durations before now', () => {
    const now = new Date('2026-11-24T12:00:00.000Z');
    expect(parseTime('now', now)).toEqual(now);
    expect(parseTime('24h', now).toISOString()).toBe('2026-11-23T12:00:00.000Z');
    expect(parseTime('30m', now).toISOString()).toBe('2026-11-24T11:30:00.000Z');
    expect(parseTime('7d', now).toISOString()).toBe('2026-11-17T12:00:00.000Z');
    expect(parseTime('2026-11-01', now).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parseTime('2026-11-01T10:30', now).toISOString()).toBe('2026-11-01T10:30:00.000Z');
    expect(parseTime('2026-11-01T10:30:00+02:00', now).toISOString()).toBe('2026-11-01T08:30:00.000Z');
    for (const bad of ['yesterday', '24', '2026-13-45', '10h ago'])
      expect(() => parseTime(bad, now)).toThrow(InvalidArgumentError);
  });
});
