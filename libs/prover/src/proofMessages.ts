import { z } from 'zod';

import type { CircuitInput, Groth16Proof, PublicSignals } from './types';

/** Kafka topic of proof jobs (key = epoch). */
export const PROOF_JOBS_TOPIC = 'interop.proof-jobs';
/** Kafka topic of finished proofs (key = epoch). */
export const PROOFS_TOPIC = 'interop.proofs';
/** Kafka topic of records no consumer can process. */
export const DEAD_LETTER_TOPIC = 'interop.dead-letter';

const decimal = z.union([z.string().regex(/^[0-9]+$/), z.number().int().nonnegative()]).transform((v) => BigInt(v));

/** Value of an `interop.proof-jobs` record, version 1: `{ v: 1, epoch, instance, input }`. */
export const proofJobSchema = z.object({
  v: z.literal(1),
  epoch: decimal,
  instance: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});
export type ProofJob = { v: 1; epoch: bigint; instance: string; input: CircuitInput | Record<string, unknown> };

/** Value of an `interop.proofs` record, version 1. */
export const proofMessageSchema = z.object({
  v: z.literal(1),
  epoch: decimal,
  proof: z.object({
    pi_a: z.array(z.string()),
    pi_b: z.array(z.array(z.string())),
    pi_c: z.array(z.string()),
    protocol: z.string(),
    curve: z.string(),
  }),
  publicSignals: z.array(z.string()),
  provedBy: z.string(),
  ms: z.number().nonnegative(),
});
export type ProofMessage = {
  v: 1;
  epoch: bigint;
  proof: Groth16Proof;
  publicSignals: PublicSignals;
  provedBy: string;
  ms: number;
};

/** JSON text of a proof job (epoch as a decimal string). */
export function encodeProofJob(job: ProofJob): string {
  return JSON.stringify({ v: 1, epoch: job.epoch.toString(), instance: job.instance, input: job.input });
}

/** JSON text of a proof message (epoch as a decimal string). */
export function encodeProofMessage(m: ProofMessage): string {
  return JSON.stringify({ ...m, epoch: m.epoch.toString() });
}
