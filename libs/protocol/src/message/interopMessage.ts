import type { Address, Hex } from 'viem';
import { z } from 'zod';
import { MessageKind } from './messageKind';

/**
 * A cross-chain message (SPEC "InteropMessage"). Matches `struct InteropMessage` in
 * contracts/src/interfaces/IInteropTypes.sol.
 */
export type InteropMessage = {
  srcChainId: bigint;
  dstChainId: bigint;
  /** Per (srcChainId, sender), starts at 0. */
  nonce: bigint;
  sender: Address;
  recipient: Address;
  kind: MessageKind;
  /** CALL: calldata for the recipient; TOKEN: `encodeTokenPayload(...)`. */
  payload: Hex;
  /** TOKEN only, else bytes32(0). */
  assetId: Hex;
  /** TOKEN only, else 0. */
  amount: bigint;
  /** Paid on the source chain, in its native coin (wei). */
  fee: bigint;
  /** Gas the destination call may use. */
  gasLimit: bigint;
};

/** The ABI tuple components of `InteropMessage`, in Solidity field order. */
export const interopMessageComponents = [
  { name: 'srcChainId', type: 'uint64' },
  { name: 'dstChainId', type: 'uint64' },
  { name: 'nonce', type: 'uint64' },
  { name: 'sender', type: 'address' },
  { name: 'recipient', type: 'address' },
  { name: 'kind', type: 'uint8' },
  { name: 'payload', type: 'bytes' },
  { name: 'assetId', type: 'bytes32' },
  { name: 'amount', type: 'uint256' },
  { name: 'fee', type: 'uint256' },
  { name: 'gasLimit', type: 'uint64' },
] as const;

/** `InteropMessage` as one ABI parameter (`tuple`), for viem's `encodeAbiParameters`. */
export const interopMessageAbiParameter = {
  type: 'tuple',
  name: 'message',
  components: interopMessageComponents,
} as const;

const U64 = 2n ** 64n - 1n;
const U256 = 2n ** 256n - 1n;

const decimal = (max: bigint, name: string) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]{0,77})$/, `${name} must be a decimal integer string`)
    .transform((s) => BigInt(s))
    .refine((v) => v <= max, `${name} is out of range`);

/** Zod schema for an address (0x + 40 hex; checksum not enforced, case preserved). */
export const addressSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte address')
  .transform((s) => s as Address);
/** Zod schema for 0x-hex bytes of any even length. */
export const hexBytesSchema = z
  .string()
  .regex(/^0x([0-9a-fA-F]{2})*$/, 'expected 0x-prefixed hex bytes')
  .transform((s) => s.toLowerCase() as Hex);
/** Zod schema for bytes32. */
export const bytes32Schema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, 'expected 0x-prefixed 32 bytes')
  .transform((s) => s.toLowerCase() as Hex);
/** Zod schema for a uint64 as a decimal string. */
export const uint64StringSchema = decimal(U64, 'uint64');
/** Zod schema for a uint256 as a decimal string. */
export const uint256StringSchema = decimal(U256, 'uint256');

/**
 * Zod schema of the JSON form of an `InteropMessage` (integers as decimal strings, bytes as 0x-hex); parsing yields
 * an `InteropMessage`.
 *
 * @example
 * const m: InteropMessage = interopMessageJsonSchema.parse(JSON.parse(body));
 */
export const interopMessageJsonSchema = z
  .object({
    srcChainId: uint64StringSchema,
    dstChainId: uint64StringSchema,
    nonce: uint64StringSchema,
    sender: addressSchema,
    recipient: addressSchema,
    kind: z.enum(['0', '1']).transform((k) => Number(k) as MessageKind),
    payload: hexBytesSchema,
    assetId: bytes32Schema,
    amount: uint256StringSchema,
    fee: uint256StringSchema,
    gasLimit: uint64StringSchema,
  })
  .strict();

/** JSON form of an `InteropMessage` (what `interopMessageToJson` returns). */
export type InteropMessageJson = {
  srcChainId: string;
  dstChainId: string;
  nonce: string;
  sender: Address;
  recipient: Address;
  kind: '0' | '1';
  payload: Hex;
  assetId: Hex;
  amount: string;
  fee: string;
  gasLimit: string;
};

/**
 * The JSON form of a message: integers as decimal strings, bytes as 0x-hex.
 *
 * @example
 * JSON.stringify(interopMessageToJson(m));
 */
export function interopMessageToJson(m: InteropMessage): InteropMessageJson {
  return {
    srcChainId: m.srcChainId.toString(),
    dstChainId: m.dstChainId.toString(),
    nonce: m.nonce.toString(),
    sender: m.sender,
    recipient: m.recipient,
    kind: m.kind === MessageKind.TOKEN ? '1' : '0',
    payload: m.payload,
    assetId: m.assetId,
    amount: m.amount.toString(),
    fee: m.fee.toString(),
    gasLimit: m.gasLimit.toString(),
  };
}
