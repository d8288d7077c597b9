import { z } from 'zod';

import type { ChainRecord } from './chains.repository';

/** Body of `POST /chains`: the operator's EIP-712 `ChainRegistration` and its signature. */
export const registerChainSchema = z
  .object({
    chainId: z
      .union([z.string().regex(/^[1-9]\d*$/), z.number().int().positive()])
      .transform((v) => BigInt(v))
      .refine((v) => v < 2n ** 64n, 'chainId must fit uint64'),
    name: z.string().trim().min(1).max(64),
    operator: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 20-byte hex address'),
    signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'must be a 65-byte hex signature'),
  })
  .strict();

export type RegisterChainDto = z.output<typeof registerChainSchema>;

/** A decimal chain id in a path. */
export const chainIdParamSchema = z
  .string()
  .regex(/^\d{1,20}$/, 'chainId must be a decimal integer')
  .transform((s) => BigInt(s));

/** A chain as the API returns it (integers as decimal strings). */
export type ChainView = {
  chainId: string;
  name: string;
  operator: string;
  slot: number | null;
  status: ChainRecord['status'];
  l1TxHash: string | null;
  registeredAt: string;
  approvedAt: string | null;
};

export function toChainView(c: ChainRecord): ChainView {
  return {
    chainId: c.chainId.toString(),
    name: c.name,
    operator: c.operator,
    slot: c.slot,
    status: c.status,
    l1TxHash: c.l1TxHash,
    registeredAt: c.registeredAt.toISOString(),
    approvedAt: c.approvedAt?.toISOString() ?? null,
  };
}
