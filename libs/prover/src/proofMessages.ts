import { z } from 'zod';

import type { CircuitInput, Groth16Proof, PublicSignals } from './types';

/** Kafka topic of proof jobs (key = epoch). */
export const PROOF_JOBS_TOPIC = 'interop.proof-jobs';
/** Kafka topic of finished proofs (key = epoch). */
export const PROOFS_TOPIC = 'interop.proofs';
/** Kafka topic of records no consumer can process. */
export const DEAD_LETTER_TOPIC = 'interop.dead-letter';

const decimal = z.union([z.string().regex(/^[0-9]+$/), z.number().int().nonnegative()]).transform((v) => BigInt(v));

/**
 * Value of an `interop.proof-jobs` record, version 2: `{ v: 2, epoch, shape, input }` (`shape`: the circuits/shapes
 * name whose circuit proves `input`). Unknown keys are refused, so a tampered job is dead-lettered, not half-read.
 */
export const proofJobSchema = z
  .object({
    v: z.literal(2),
    epoch: decimal,
    shape: z.string().regex(/^[a-z0-9]{1,32}$/, 'a circuits/shapes name'),
    input: z.record(z.string(), z.unknown()),
  })
  .strict();
export type ProofJob = { v: 2; epoch: bigint; shape: string; input: CircuitInput | Record<string, unknown> };

/** Value of an `interop.proofs` record, version 2 (public signals `[dataCommitment, challenge, evaluation]`). */
export const proofMessageSchema = z
  .object({
    v: z.literal(2),
    epoch: decimal,
    proof: z
      .object({
        pi_a: z.array(z.string()),
        pi_b: z.array(z.array(z.string())),
        pi_c: z.array(z.string()),
        protocol: z.string(),
        curve: z.string(),
      })
      .strict(),
    publicSignals: z.array(z.string()),
    provedBy: z.string(),
    ms: z.number().nonnegative(),
  })
  .strict();
export type ProofMessage = {
  v: 2;
  epoch: bigint;
  proof: Groth16Proof;
  publicSignals: PublicSignals;
  provedBy: string;
  ms: number;
};

/** JSON text of a proof job (epoch as a decimal string). */
export function encodeProofJob(job: ProofJob): string {
  return JSON.stringify({ v: 2, epoch: job.epoch.toString(), shape: job.shape, input: job.input });
}

/** JSON text of a proof message (epoch as a decimal string). */
export function encodeProofMessage(m: ProofMessage): string {
  return JSON.stringify({ ...m, epoch: m.epoch.toString() });
}
