import { isAddress } from 'viem';
import { InvalidMessageError } from '../errors/encoding';
import { hexInto, wordInto } from '../bytes/hex';
import type { InteropMessage } from './interopMessage';

const U64 = (1n << 64n) - 1n;
const U256 = (1n << 256n) - 1n;
const HEX_BYTES = /^0x(?:[0-9a-fA-F]{2})*$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/** Head words of the tuple (11 fields) plus the leading offset word and the payload length word. */
const FIXED_BYTES = 32 * 13;

function uint(value: unknown, max: bigint, type: string, name: string): bigint {
  const v = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof v !== 'bigint' || v < 0n || v > max) {
    throw new InvalidMessageError({ details: `${name} = ${String(value)} is not a ${type}` });
  }
  return v;
}

function address(value: unknown, name: string): string {
  // viem's check (strict: a mixed-case address must carry a valid EIP-55 checksum), as encodeAbiParameters did.
  if (typeof value !== 'string' || !isAddress(value)) {
    throw new InvalidMessageError({ details: `${name} = ${String(value)} is not an address` });
  }
  return value;
}

/**
 * `abi.encode(m)` of an `InteropMessage`, packed by hand: the leading 0x20 offset (the struct has a dynamic member),
 * the 11 head words in Solidity field order (the payload's word is its offset, 0x160), then the payload's length and
 * its bytes right-padded to a multiple of 32. Byte for byte what viem's `encodeAbiParameters` gives (a fast-check
 * property test and the vectors prove it), without its generic ABI walk, which cost most of a message leaf's time.
 * Mirrors `MessageHashing.encode` in contracts/src/libraries/MessageHashing.sol.
 *
 * Rejects what the Solidity types cannot hold: integers outside their range, addresses viem rejects, an `assetId`
 * that is not 32 bytes of hex, and a payload that is not hex bytes (viem accepted odd lengths and non-hex characters
 * there, which no chain emits).
 *
 * @throws {InvalidMessageError} naming the first bad field.
 */
export function packMessage(m: InteropMessage): Uint8Array {
  const srcChainId = uint(m.srcChainId, U64, 'uint64', 'srcChainId');
  const dstChainId = uint(m.dstChainId, U64, 'uint64', 'dstChainId');
  const nonce = uint(m.nonce, U64, 'uint64', 'nonce');
  const sender = address(m.sender, 'sender');
  const recipient = address(m.recipient, 'recipient');
  const kind = uint(m.kind, 255n, 'uint8', 'kind');
  const payload = m.payload;
  if (typeof payload !== 'string' || !HEX_BYTES.test(payload)) {
    throw new InvalidMessageError({ details: `payload = ${String(payload).slice(0, 80)} is not hex bytes` });
  }
  if (typeof m.assetId !== 'string' || !BYTES32.test(m.assetId)) {
    throw new InvalidMessageError({ details: `assetId = ${String(m.assetId).slice(0, 80)} is not bytes32` });
  }
  const amount = uint(m.amount, U256, 'uint256', 'amount');
  const fee = uint(m.fee, U256, 'uint256', 'fee');
  const gasLimit = uint(m.gasLimit, U64, 'uint64', 'gasLimit');

  const payloadLength = (payload.length - 2) >> 1;
  const out = new Uint8Array(FIXED_BYTES + Math.ceil(payloadLength / 32) * 32);
  const view = new DataView(out.buffer);
  view.setUint8(31, 0x20); // offset of the tuple
  view.setBigUint64(32 + 24, srcChainId);
  view.setBigUint64(64 + 24, dstChainId);
  view.setBigUint64(96 + 24, nonce);
  hexInto(sender, out, 128 + 12, 20);
  hexInto(recipient, out, 160 + 12, 20);
  view.setUint8(192 + 31, Number(kind));
  view.setUint16(224 + 30, 32 * 11); // offset of the payload inside the tuple
  hexInto(m.assetId, out, 256, 32);
  wordInto(amount, out, 288);
  wordInto(fee, out, 320);
  view.setBigUint64(352 + 24, gasLimit);
  view.setBigUint64(384 + 24, BigInt(payloadLength));
  hexInto(payload, out, FIXED_BYTES, payloadLength);
  return out;
}
