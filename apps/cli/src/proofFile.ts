import {
  bytes32ToField,
  inclusionProofFromJson,
  messageLeaf,
  PRODUCTION_DEPTHS,
  ProtocolError,
  TEST_DEPTHS,
  updatesCommitment,
  verifyInclusionProof,
  type MessageWithProofJson,
  type TreeDepths,
} from '@interop/protocol';
import type { VerificationKey } from '@interop/prover/types';
import { verifyAggregationProof } from '@interop/prover/verifyAggregationProof';
import type { Hex } from 'viem';
import { z } from 'zod';

import { CliError, UsageError } from './errors';

/** Format name and version of a proof file (`interop proof export`). */
export const PROOF_FILE_FORMAT = 'interop-message-proof';
export const PROOF_FILE_VERSION = 1;

export type CircuitInstanceName = 'test' | 'prod';

const DEPTHS: Record<CircuitInstanceName, TreeDepths> = { test: TEST_DEPTHS, prod: PRODUCTION_DEPTHS };

const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'must be bytes32 hex');
const decimal = z.string().regex(/^\d{1,78}$/, 'must be a decimal integer string');

const epochSchema = z.object({
  epoch: decimal,
  prevRoot: bytes32,
  root: bytes32,
  commitment: bytes32,
  updates: z
    .array(
      z.object({
        slot: z.number().int().nonnegative(),
        chainId: decimal,
        batchNumber: decimal,
        batchRoot: bytes32,
      }),
    )
    .min(1),
  proof: z.object({
    pi_a: z.array(z.string()),
    pi_b: z.array(z.array(z.string())),
    pi_c: z.array(z.string()),
    protocol: z.literal('groth16'),
    curve: z.string(),
  }),
  publicSignals: z.array(decimal).length(3),
  l1TxHash: bytes32.nullable(),
});

/** The self-contained proof file: a message with its inclusion proof, and the settled epoch whose root it reaches. */
export const proofFileSchema = z.object({
  format: z.literal(PROOF_FILE_FORMAT),
  version: z.literal(PROOF_FILE_VERSION),
  circuitInstance: z.enum(['test', 'prod']),
  messageId: bytes32,
  /** The v1 JSON of the message and its inclusion proof (libs/protocol inclusionProofToJson). */
  inclusion: z.unknown(),
  /** The epoch as the hub serves it at GET /roots/:epoch (updates, Groth16 proof, public signals). */
  epoch: epochSchema,
  exportedAt: z.string(),
});

export type ProofFile = z.infer<typeof proofFileSchema>;

/** The circuit instance whose tree depths the proof's paths have. */
export function instanceOfProof(proof: { chainPath: unknown[]; sharedPath: unknown[] }): CircuitInstanceName {
  for (const name of ['test', 'prod'] as const) {
    const d = DEPTHS[name];
    if (proof.chainPath.length === d.chainDepth && proof.sharedPath.length === d.sharedDepth) return name;
  }
  throw new CliError(
    `the inclusion proof has ${proof.chainPath.length} chain and ${proof.sharedPath.length} shared siblings: no known circuit instance`,
  );
}

/** Builds the proof file from the bridge's message (with inclusionProof) and the hub's epoch. */
export function buildProofFile(
  messageId: string,
  inclusion: MessageWithProofJson,
  epoch: Record<string, unknown>,
  now: Date = new Date(),
): ProofFile {
  const instance = instanceOfProof(inclusion.proof);
  const parsedEpoch = epochSchema.safeParse(epoch);
  if (!parsedEpoch.success) {
    const issue = parsedEpoch.error.issues[0];
    throw new CliError(
      `the hub's epoch ${String(epoch.epoch)} is incomplete (${issue?.path.join('.')}: ${issue?.message})`,
    );
  }
  const file: ProofFile = {
    format: PROOF_FILE_FORMAT,
    version: PROOF_FILE_VERSION,
    circuitInstance: instance,
    messageId: messageId.toLowerCase(),
    inclusion,
    epoch: {
      ...parsedEpoch.data,
      updates: parsedEpoch.data.updates.map((u) => ({
        slot: u.slot,
        chainId: u.chainId,
        batchNumber: u.batchNumber,
        batchRoot: u.batchRoot,
      })),
    },
    exportedAt: now.toISOString(),
  };
  return file;
}

/** What `proof verify` established. */
export type ProofVerification = {
  messageId: string;
  srcChainId: bigint;
  dstChainId: bigint;
  batchNumber: bigint;
  leafIndex: number;
  epoch: bigint;
  prevRoot: string;
  root: string;
  updates: number;
  l1TxHash: string | null;
};

/** Parses a proof file's JSON text (usage errors for what is not a proof file). */
export function parseProofFile(text: string, name: string): ProofFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${name} is not JSON`);
  }
  const parsed = proofFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `${name} is not an ${PROOF_FILE_FORMAT} v${PROOF_FILE_VERSION} file (${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'})`,
    );
  }
  return parsed.data;
}

/**
 * Verifies a proof file offline, with nothing but the file and the circuit's verification key:
 * 1. the message hashes to the stated message id (libs/protocol messageLeaf);
 * 2. its inclusion proof reaches the epoch's shared root (verifyInclusionProof: keccak batch path, Poseidon chain and
 *    shared paths) and names that epoch;
 * 3. the epoch's updates hash to its commitment (updatesCommitment), and the public signals are exactly
 *    [prevRoot, root, commitment];
 * 4. the epoch's Groth16 proof verifies against the verification key with those public signals (snarkjs).
 *
 * @throws CliError naming the first check that fails.
 */
export async function verifyProofFile(file: ProofFile, vkey: VerificationKey): Promise<ProofVerification> {
  const depths = DEPTHS[file.circuitInstance];
  const fail = (what: string): never => {
    throw new CliError(`proof does NOT verify: ${what}`);
  };
  let message;
  let proof;
  try {
    ({ message, proof } = inclusionProofFromJson(file.inclusion, depths));
  } catch (e) {
    return fail(`the inclusion part is malformed (${e instanceof Error ? e.message : String(e)})`);
  }
  const leaf = messageLeaf(message);
  if (leaf.toLowerCase() !== file.messageId.toLowerCase()) {
    fail(`the message hashes to ${leaf}, not to the message id ${file.messageId}`);
  }
  const e = file.epoch;
  if (proof.epoch !== BigInt(e.epoch))
    fail(`the inclusion proof is for epoch ${proof.epoch}, the file carries epoch ${e.epoch}`);
  try {
    verifyInclusionProof(message, proof, e.root as Hex, depths);
  } catch (err) {
    if (err instanceof ProtocolError) fail(`inclusion proof: ${err.message}`);
    throw err;
  }
  let commitment: bigint;
  try {
    commitment = updatesCommitment(
      e.updates.map((u) => ({
        slot: u.slot,
        chainId: BigInt(u.chainId),
        batchNumber: BigInt(u.batchNumber),
        batchRoot: u.batchRoot as Hex,
      })),
    );
  } catch (err) {
    return fail(`epoch ${e.epoch} updates: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (commitment !== BigInt(e.commitment)) fail(`epoch ${e.epoch}: its updates do not hash to its commitment`);
  const field = (x: string) => {
    try {
      return bytes32ToField(x as Hex).toString();
    } catch {
      return fail(`epoch ${e.epoch}: ${x} is not a field element`);
    }
  };
  const expected = [field(e.prevRoot), field(e.root), commitment.toString()];
  if (e.publicSignals.some((s, i) => s !== expected[i])) {
    fail(`epoch ${e.epoch}: the public signals are not [prevRoot, root, commitment] of the epoch`);
  }
  if (vkey.protocol !== 'groth16' || vkey.nPublic !== 3)
    fail('the verification key is not a Groth16 key with 3 public inputs');
  if (!(await verifyAggregationProof(vkey, e.proof, e.publicSignals))) {
    fail(`epoch ${e.epoch}: the Groth16 proof does not verify with this verification key`);
  }
  return {
    messageId: file.messageId,
    srcChainId: message.srcChainId,
    dstChainId: message.dstChainId,
    batchNumber: proof.batchNumber,
    leafIndex: proof.leafIndex,
    epoch: proof.epoch,
    prevRoot: e.prevRoot,
    root: e.root,
    updates: e.updates.length,
    l1TxHash: e.l1TxHash,
  };
}
