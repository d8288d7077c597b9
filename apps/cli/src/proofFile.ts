import {
  bytes32ToField,
  epochData,
  epochPublicSignals,
  inclusionProofFromJson,
  messageLeaf,
  ProtocolError,
  publicSignalsList,
  resolveShape,
  shapeId as shapeIdOf,
  verifyInclusionProof,
  type AggregationShape,
  type MessageWithProofJson,
  type TreeDepths,
} from '@interop/protocol';
import type { CircuitShape, Groth16Proof, PublicSignals, VerificationKey } from '@interop/prover/types';
import { verifyAggregationProof } from '@interop/prover/verifyAggregationProof';
import { epochGroupsOf } from '@interop/prover/verifyProofChain';
import type { Hex } from 'viem';
import { z } from 'zod';

import { CliError, UsageError } from './errors';

/** Format name and version of a proof file (`interop proof export`). */
export const PROOF_FILE_FORMAT = 'interop-message-proof';
export const PROOF_FILE_VERSION = 2;

const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'must be bytes32 hex');
const decimal = z.string().regex(/^\d{1,78}$/, 'must be a decimal integer string');
const depth = z.number().int().min(1).max(64);

const updateSchema = z.object({
  slot: z.number().int().nonnegative(),
  chainId: decimal,
  batchNumber: decimal,
  batchRoot: bytes32,
  /** The chain root after this batch, as its operator signed it. */
  chainRoot: bytes32,
  messageCount: z.number().int().nonnegative(),
  firstBlock: decimal,
  lastBlock: decimal,
  /** The operator's EIP-712 `BatchRoot` signature over this batch and its chain root. */
  signature: z.string().regex(/^0x([0-9a-fA-F]{2})*$/, 'must be 0x-hex bytes'),
});

const epochSchema = z.object({
  epoch: decimal,
  prevRoot: bytes32,
  root: bytes32,
  /** The proof's first public signal as the hub states it (checked against the recomputed one). */
  dataCommitment: bytes32,
  updates: z.array(updateSchema).min(1),
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

/** The hub's `GET /roots/:epoch` answer (the fields a proof file keeps; the rest is ignored). */
const hubEpochSchema = epochSchema.extend({ shapeId: z.number().int().positive() });

/** The self-contained proof file: a message with its inclusion proof, and the settled epoch whose root it reaches. */
export const proofFileSchema = z.object({
  format: z.literal(PROOF_FILE_FORMAT),
  version: z.literal(PROOF_FILE_VERSION),
  messageId: bytes32,
  /** The epoch's shape: its L1 id (groups * 2^16 + groupSize) and its circuits/shapes name (its vkey's file name). */
  shape: z.object({ id: z.number().int().positive(), name: z.string().regex(/^[a-z0-9]{1,32}$/) }),
  /** The tree depths the inclusion proof's paths have (the network's). */
  depths: z.object({ batchDepth: depth, chainDepth: depth, sharedDepth: depth }),
  /** The v1 JSON of the message and its inclusion proof (libs/protocol inclusionProofToJson). */
  inclusion: z.unknown(),
  /** The epoch as the hub serves it at GET /roots/:epoch (updates with chain roots and signatures, Groth16 proof). */
  epoch: epochSchema,
  exportedAt: z.string(),
});

export type ProofFile = z.infer<typeof proofFileSchema>;

/** `groups * 2^16 + groupSize` back to the shape (SPEC "Epoch shape"). @throws CliError for an id no shape has. */
export function shapeOfId(id: number): AggregationShape {
  const groups = Math.floor(id / 2 ** 16);
  const groupSize = id % 2 ** 16;
  try {
    const s = resolveShape({ k: groups * groupSize, groupSize });
    if (s.groups !== groups || groupSize < 2) throw new Error('not a shape');
    return { k: s.k, groupSize };
  } catch {
    throw new CliError(`shape id ${id} is not groups * 65536 + groupSize of any epoch shape`);
  }
}

/**
 * Builds the proof file from the bridge's message (with inclusionProof) and the hub's epoch, naming its shape with
 * `shapes` (circuits/shapes, libs/prover `loadShapes`).
 */
export function buildProofFile(
  messageId: string,
  inclusion: MessageWithProofJson,
  epoch: Record<string, unknown>,
  shapes: readonly CircuitShape[],
  now: Date = new Date(),
): ProofFile {
  const parsedEpoch = hubEpochSchema.safeParse(epoch);
  if (!parsedEpoch.success) {
    const issue = parsedEpoch.error.issues[0];
    throw new CliError(
      `the hub's epoch ${String(epoch.epoch)} is incomplete (${issue?.path.join('.')}: ${issue?.message})`,
    );
  }
  const { shapeId, ...e } = parsedEpoch.data;
  const shape = shapes.find((s) => shapeIdOf(s) === shapeId);
  if (!shape) {
    throw new CliError(
      `the hub's epoch ${e.epoch} was proved with shape id ${shapeId}, which circuits/shapes does not have ` +
        `(${shapes.map((s) => `${s.name} = ${shapeIdOf(s)}`).join(', ') || 'none'})`,
    );
  }
  const { chainPath, sharedPath, batchPath } = inclusion.proof;
  if (chainPath.length !== shape.chainDepth || sharedPath.length !== shape.sharedDepth) {
    throw new CliError(
      `the inclusion proof has ${chainPath.length} chain and ${sharedPath.length} shared siblings, shape ` +
        `${shape.name} is built for depths ${shape.chainDepth}/${shape.sharedDepth}`,
    );
  }
  return {
    format: PROOF_FILE_FORMAT,
    version: PROOF_FILE_VERSION,
    messageId: messageId.toLowerCase(),
    shape: { id: shapeId, name: shape.name },
    depths: { batchDepth: batchPath.length, chainDepth: shape.chainDepth, sharedDepth: shape.sharedDepth },
    inclusion,
    epoch: {
      epoch: e.epoch,
      prevRoot: e.prevRoot,
      root: e.root,
      dataCommitment: e.dataCommitment,
      updates: e.updates.map((u) => ({
        slot: u.slot,
        chainId: u.chainId,
        batchNumber: u.batchNumber,
        batchRoot: u.batchRoot,
        chainRoot: u.chainRoot,
        messageCount: u.messageCount,
        firstBlock: u.firstBlock,
        lastBlock: u.lastBlock,
        signature: u.signature,
      })),
      proof: e.proof,
      publicSignals: e.publicSignals,
      l1TxHash: e.l1TxHash,
    },
    exportedAt: now.toISOString(),
  };
}

/** What `proof verify` established. */
export type ProofVerification = {
  messageId: string;
  srcChainId: bigint;
  dstChainId: bigint;
  batchNumber: bigint;
  leafIndex: number;
  epoch: bigint;
  shape: string;
  prevRoot: string;
  root: string;
  updates: number;
  groups: number;
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
 * The shape name and depths to verify a file with: circuits/shapes' entry of the file's shape id when the repository's
 * shapes are at hand (`shapes`), else what the file says (offline, the file alone).
 */
export function proofFileShape(
  file: ProofFile,
  shapes: readonly CircuitShape[] | undefined,
): { name: string; shape: AggregationShape; depths: TreeDepths } {
  const shape = shapeOfId(file.shape.id);
  const known = shapes?.find((s) => shapeIdOf(s) === file.shape.id);
  if (!known) return { name: file.shape.name, shape, depths: file.depths };
  return {
    name: known.name,
    shape,
    depths: { batchDepth: file.depths.batchDepth, chainDepth: known.chainDepth, sharedDepth: known.sharedDepth },
  };
}

export type VerifyProofFileOptions = {
  /** circuits/shapes (libs/prover `loadShapes`), when the repository is at hand; otherwise the file names its shape. */
  shapes?: readonly CircuitShape[];
  /** The Groth16 check (default snarkjs via libs/prover `verifyAggregationProof`). */
  verify?: (vkey: VerificationKey, proof: Groth16Proof, publicSignals: PublicSignals) => Promise<boolean>;
};

/**
 * Verifies a proof file offline, with nothing but the file and the verification key of its epoch's shape:
 * 1. the message hashes to the stated message id (libs/protocol messageLeaf);
 * 2. its inclusion proof names the file's epoch and reaches the epoch's shared root (verifyInclusionProof: keccak
 *    batch path, Poseidon chain and shared paths, at the network's depths);
 * 3. the epoch's updates, grouped as the hub and L1 group them (groupUpdates with the shape's group size; a group's
 *    chain root is its last update's), give the epoch data (epochData of prevRoot, root, groups, shape) whose
 *    [dataCommitment, challenge, evaluation] (epochPublicSignals) are exactly the proof's public signals;
 * 4. the epoch's Groth16 proof verifies with those public signals against the shape's key (snarkjs).
 *
 * @throws CliError naming the first check that fails.
 */
export async function verifyProofFile(
  file: ProofFile,
  vkey: VerificationKey,
  options: VerifyProofFileOptions = {},
): Promise<ProofVerification> {
  const fail = (what: string): never => {
    throw new CliError(`proof does NOT verify: ${what}`);
  };
  const { name, shape, depths } = proofFileShape(file, options.shapes);
  let message;
  let proof;
  try {
    ({ message, proof } = inclusionProofFromJson(file.inclusion, depths));
  } catch (e) {
    return fail(`the inclusion part is malformed (${describe(e)})`);
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
    if (err instanceof ProtocolError) fail(`inclusion proof: ${describe(err)}`);
    throw err;
  }
  const field = (x: string, what: string): bigint => {
    try {
      return bytes32ToField(x as Hex);
    } catch {
      return fail(`epoch ${e.epoch}: ${what} ${x} is not a field element`);
    }
  };
  const updates = e.updates.map((u, i) => ({
    slot: u.slot,
    chainId: BigInt(u.chainId),
    batchNumber: BigInt(u.batchNumber),
    batchRoot: u.batchRoot as Hex,
    chainRoot: field(u.chainRoot, `update ${i} chainRoot`),
  }));
  // groupUpdates with the shape's group size; a group's chain root is that of its last update.
  const groups = epochGroupsOf(updates, shape.groupSize);
  let expected: [string, string, string];
  try {
    const data = epochData(field(e.prevRoot, 'prevRoot'), field(e.root, 'root'), groups, shape);
    expected = publicSignalsList(epochPublicSignals(data));
  } catch (err) {
    return fail(`epoch ${e.epoch}: its updates do not make epoch data of shape ${name} (${describe(err)})`);
  }
  if (BigInt(e.dataCommitment).toString() !== expected[0]) {
    fail(`epoch ${e.epoch}: its updates and roots do not give its data commitment ${e.dataCommitment}`);
  }
  if (e.publicSignals.some((s, i) => s !== expected[i])) {
    fail(
      `epoch ${e.epoch}: the public signals are not [dataCommitment, challenge, evaluation] of its data in shape ${name}`,
    );
  }
  if (vkey.protocol !== 'groth16' || vkey.nPublic !== 3)
    fail('the verification key is not a Groth16 key with 3 public inputs');
  const verify = options.verify ?? verifyAggregationProof;
  if (!(await verify(vkey, e.proof, e.publicSignals))) {
    fail(`epoch ${e.epoch}: the Groth16 proof does not verify with this verification key (shape ${name})`);
  }
  return {
    messageId: file.messageId,
    srcChainId: message.srcChainId,
    dstChainId: message.dstChainId,
    batchNumber: proof.batchNumber,
    leafIndex: proof.leafIndex,
    epoch: proof.epoch,
    shape: name,
    prevRoot: e.prevRoot,
    root: e.root,
    updates: e.updates.length,
    groups: groups.length,
    l1TxHash: e.l1TxHash,
  };
}

/** One line about an error: a protocol error's details (they name the value), else its message's first line. */
function describe(e: unknown): string {
  if (e instanceof ProtocolError && e.details) return `${e.shortMessage} ${e.details}`;
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').find((l) => l.trim() !== '') ?? text;
}
