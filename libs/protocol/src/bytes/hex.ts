import type { Hex } from 'viem';

/*
 * Hex <-> bytes for the hot paths (message leaves, batch-tree nodes). viem's hexToBytes / bytesToHex do the same but
 * validate and allocate on every call; here callers validate once (a regex) and decode into a buffer they reuse.
 */

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[65 + i] = 10 + i;
  NIBBLE[97 + i] = 10 + i;
}

const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Decodes `byteLength` bytes of `hex` (a 0x-prefixed string the caller has checked is hex of at least that length)
 * into `out` at `offset`.
 */
export function hexInto(hex: string, out: Uint8Array, offset: number, byteLength = (hex.length - 2) >> 1): void {
  for (let i = 0, c = 2; i < byteLength; i++, c += 2) {
    out[offset + i] = ((NIBBLE[hex.charCodeAt(c)] as number) << 4) | (NIBBLE[hex.charCodeAt(c + 1)] as number);
  }
}

/** Lowercase 0x-hex of `bytes`. */
export function toHex(bytes: Uint8Array): Hex {
  let s = '0x';
  for (let i = 0; i < bytes.length; i++) s += BYTE_HEX[bytes[i] as number] as string;
  return s as Hex;
}

/** Writes `value` (0 <= value < 2^256) big-endian into the 32-byte word of `out` at `offset`. */
export function wordInto(value: bigint, out: Uint8Array, offset: number): void {
  const view = new DataView(out.buffer, out.byteOffset + offset, 32);
  view.setBigUint64(0, value >> 192n);
  view.setBigUint64(8, (value >> 128n) & 0xffffffffffffffffn);
  view.setBigUint64(16, (value >> 64n) & 0xffffffffffffffffn);
  view.setBigUint64(24, value & 0xffffffffffffffffn);
}
