import { InvalidArgumentError } from 'commander';
import { parseUnits, type Address, type Hex } from 'viem';

// Argument parsers for commander: each returns the parsed value or throws InvalidArgumentError with the reason
// (commander prints "error: option '--from <chainId>' argument '...' is invalid. <reason>" and exits 2).

const UINT64_MAX = 2n ** 64n - 1n;

/** A chain id: a positive decimal integer that fits uint64. */
export function parseChainId(value: string): bigint {
  if (!/^[1-9]\d{0,19}$/.test(value)) throw new InvalidArgumentError('a chain id is a positive decimal integer.');
  const id = BigInt(value);
  if (id > UINT64_MAX) throw new InvalidArgumentError('a chain id must fit uint64.');
  return id;
}

/** A 20-byte hex address (any case). */
export function parseAddress(value: string): Address {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new InvalidArgumentError('expected a 0x-prefixed 20-byte address.');
  return value as Address;
}

/** A 32-byte message id. */
export function parseMessageId(value: string): Hex {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new InvalidArgumentError('a message id is 0x + 64 hex digits.');
  return value.toLowerCase() as Hex;
}

/** A secp256k1 private key. */
export function parsePrivateKey(value: string): Hex {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new InvalidArgumentError('a private key is 0x + 64 hex digits.');
  return value as Hex;
}

/** Hex bytes (`0x` for empty, an even number of digits). */
export function parseHexBytes(value: string): Hex {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(value)) throw new InvalidArgumentError('expected 0x-prefixed hex bytes.');
  return value.toLowerCase() as Hex;
}

/** A positive integer option (limits, timeouts, gas). */
export function parsePositiveInt(value: string): number {
  if (!/^[1-9]\d{0,14}$/.test(value)) throw new InvalidArgumentError('expected a positive integer.');
  return Number(value);
}

/** A gas limit: a positive integer that fits uint64. */
export function parseGasLimit(value: string): bigint {
  if (!/^[1-9]\d{0,19}$/.test(value)) throw new InvalidArgumentError('a gas limit is a positive integer.');
  const v = BigInt(value);
  if (v > UINT64_MAX) throw new InvalidArgumentError('a gas limit must fit uint64.');
  return v;
}

/**
 * A token amount: base units (`1000`) or, with a decimal point, whole tokens scaled by the token's decimals
 * (`1.5` with 18 decimals = 1500000000000000000). Never a float.
 */
export function parseAmount(value: string, decimals: number | undefined): bigint {
  if (/^\d+$/.test(value)) {
    const v = BigInt(value);
    if (v === 0n) throw new InvalidArgumentError('the amount must be positive.');
    return v;
  }
  if (!/^\d*\.\d+$/.test(value)) {
    throw new InvalidArgumentError('an amount is an integer (base units) or a decimal number of tokens.');
  }
  if (decimals === undefined) throw new InvalidArgumentError('a decimal amount needs the token decimals.');
  const fraction = value.split('.')[1] ?? '';
  if (fraction.length > decimals) {
    throw new InvalidArgumentError(`the token has ${decimals} decimals; ${value} has ${fraction.length}.`);
  }
  const v = parseUnits(value, decimals);
  if (v === 0n) throw new InvalidArgumentError('the amount must be positive.');
  return v;
}

/** True when the amount needs the token's decimals (it has a decimal point). */
export function amountNeedsDecimals(value: string): boolean {
  return value.includes('.');
}

/**
 * A point in time for report windows: an ISO date or date-time (`2026-11-24`, `2026-11-24T10:00:00Z`), `now`, or a
 * duration before `now` (`30m`, `24h`, `7d`).
 */
export function parseTime(value: string, now: Date = new Date()): Date {
  if (value === 'now') return now;
  const relative = /^(\d{1,6})([smhd])$/.exec(value);
  if (relative) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(value)) {
    const withZone = /T.*(Z|[+-]\d{2}:\d{2})$/.test(value) || !value.includes('T') ? value : `${value}Z`;
    const d = new Date(value.includes('T') ? withZone : `${value}T00:00:00Z`);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new InvalidArgumentError('expected an ISO date or date-time, "now", or a duration like 30m, 24h, 7d.');
}
