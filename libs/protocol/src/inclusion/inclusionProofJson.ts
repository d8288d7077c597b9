import { z } from 'zod';
import type { Hex } from 'viem';
import { BN254_FIELD_ORDER } from '../poseidon/bn254FieldOrder';
import { bytes32Schema, interopMessageJsonSchema, type InteropMessageJson } from '../message/interopMessage';

const U32 = 2n ** 32n - 1n;
const U64 = 2n ** 64n - 1n;
const decimal = (max: bigint, name: string) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]{0,77})$/, `${name} must be a decimal integer string`)
    .transform((s) => BigInt(s))
    .refine((v) => v <= max, `${name} is out of range`);

/** Zod schema of the JSON form of an `InclusionProof` (integers as decimal strings, bytes as hex). */
export const inclusionProofJsonSchema = z
  .object({
    epoch: decimal(U64, 'epoch'),
    leafIndex: decimal(U32, 'leafIndex').transform(Number),
    batchPath: z.array(bytes32Schema).max(64),
    batchNumber: decimal(U64, 'batchNumber'),
    chainPath: z.array(decimal(BN254_FIELD_ORDER - 1n, 'chainPath[i]')).max(64),
    slot: decimal(U32, 'slot').transform(Number),
    sharedPath: z.array(decimal(BN254_FIELD_ORDER - 1n, 'sharedPath[i]')).max(64),
  })
  .strict();

/** Zod schema of the v1 JSON document `{ version: 1, message, proof }`. */
export const messageWithProofJsonSchema = z
  .object({ version: z.literal(1), message: interopMessageJsonSchema, proof: inclusionProofJsonSchema })
  .strict();

/** JSON form of an `InclusionProof`. */
export type InclusionProofJson = {
  epoch: string;
  leafIndex: string;
  batchPath: Hex[];
  batchNumber: string;
  chainPath: string[];
  slot: string;
  sharedPath: string[];
};

/** The v1 JSON document: a message and its proof. */
export type MessageWithProofJson = { version: 1; message: InteropMessageJson; proof: InclusionProofJson };
