import type { Hex } from 'viem';
import { ProtocolError } from '../errors/base';
import { InclusionProofVerificationError, type InclusionProofLevel } from '../errors/inclusion';
import { computeBatchRoot } from '../batch/computeBatchRoot';
import type { InteropMessage } from '../message/interopMessage';
import { messageLeaf } from '../message/messageLeaf';
import { batchLeaf } from '../poseidon/batchLeaf';
import { BN254_FIELD_ORDER } from '../poseidon/bn254FieldOrder';
import { chainLeaf } from '../poseidon/chainLeaf';
import { computePoseidonRoot } from '../trees/computePoseidonRoot';
import { PRODUCTION_DEPTHS, type TreeDepths } from '../trees/depths';
import type { InclusionProof } from './inclusionProof';

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * Shared roots the Poseidon part of a proof led to (batch root, batch number, chain path, source chain, slot and
 * shared path -> root), for the last 1,024 distinct ones. A pure function's results: the key holds every input of
 * `poseidonFold(chainLeaf(poseidonFold(batchLeaf(batchRoot, n), n, chainPath), srcChainId), slot, sharedPath)`, and
 * only computations that succeeded are kept, so a hit returns what recomputing would.
 */
const poseidonParts = new Map<string, bigint>();
const POSEIDON_PARTS_KEPT = 1024;

/** The cache key, or undefined when a value is not of its declared type (then nothing is cached or looked up). */
function poseidonPartKey(batchRoot: Hex, proof: InclusionProof, srcChainId: bigint): string | undefined {
  if (typeof proof.batchNumber !== 'bigint' || typeof srcChainId !== 'bigint' || !Number.isInteger(proof.slot)) {
    return undefined;
  }
  let key = `${batchRoot}:${proof.batchNumber}:${srcChainId}:${proof.slot}`;
  for (const x of proof.chainPath) {
    if (typeof x !== 'bigint') return undefined;
    key += `:${x.toString(16)}`;
  }
  key += '|';
  for (const x of proof.sharedPath) {
    if (typeof x !== 'bigint') return undefined;
    key += `:${x.toString(16)}`;
  }
  return key;
}

function at<T>(level: InclusionProofLevel, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof InclusionProofVerificationError) throw e;
    const details = e instanceof ProtocolError ? e.message : String(e);
    throw new InclusionProofVerificationError({ level, details, cause: e });
  }
}

/**
 * Verifies that `message` is under `expectedSharedRoot` (SPEC "Inclusion proof"):
 * `batchRoot = keccakFold(messageLeaf(m), leafIndex, batchPath)`,
 * `chainRoot = poseidonFold(batchLeaf(batchRoot, batchNumber), batchNumber, chainPath)`,
 * `root = poseidonFold(chainLeaf(chainRoot, m.srcChainId), slot, sharedPath)`, accept iff `root == expectedSharedRoot`.
 * Path lengths must equal `depths` exactly. Mirrors `InteropHandler` / contracts/src/libraries/PoseidonMerkle.sol
 * and BatchMerkle.sol.
 *
 * @param expectedSharedRoot - the shared root of `proof.epoch`, as a field element or as bytes32.
 * @returns `true`, or throws.
 * @throws {InclusionProofVerificationError} whose `level` says which part failed.
 *
 * @example
 * verifyInclusionProof(message, proof, sharedRootOfEpoch, PRODUCTION_DEPTHS); // true
 */
export function verifyInclusionProof(
  message: InteropMessage,
  proof: InclusionProof,
  expectedSharedRoot: bigint | Hex,
  depths: TreeDepths = PRODUCTION_DEPTHS,
): true {
  const fail = (level: InclusionProofLevel, details: string): never => {
    throw new InclusionProofVerificationError({ level, details });
  };
  const expected = at('root', () => {
    if (typeof expectedSharedRoot === 'bigint') return expectedSharedRoot;
    if (!BYTES32.test(expectedSharedRoot)) fail('root', 'expected shared root is not bytes32');
    return BigInt(expectedSharedRoot);
  });
  if (proof.batchPath.length !== depths.batchDepth) {
    fail('batch', `batchPath has ${proof.batchPath.length} siblings, expected ${depths.batchDepth}`);
  }
  if (proof.chainPath.length !== depths.chainDepth) {
    fail('chain', `chainPath has ${proof.chainPath.length} siblings, expected ${depths.chainDepth}`);
  }
  if (proof.sharedPath.length !== depths.sharedDepth) {
    fail('shared', `sharedPath has ${proof.sharedPath.length} siblings, expected ${depths.sharedDepth}`);
  }
  const leaf = at('message', () => messageLeaf(message));
  const batchRoot = at('batch', () => computeBatchRoot(leaf, proof.leafIndex, proof.batchPath));
  // The Poseidon part (about 32 hashes) is the same for every message of a batch: remember its result.
  const key = poseidonPartKey(batchRoot, proof, message.srcChainId);
  let root = key === undefined ? undefined : poseidonParts.get(key);
  if (root === undefined) {
    const chainRoot = at('chain', () => {
      if (proof.batchNumber < 0n || proof.batchNumber >= BN254_FIELD_ORDER) fail('chain', 'batchNumber out of range');
      return computePoseidonRoot(batchLeaf(batchRoot, proof.batchNumber), proof.batchNumber, proof.chainPath);
    });
    root = at('shared', () =>
      computePoseidonRoot(chainLeaf(chainRoot, message.srcChainId), proof.slot, proof.sharedPath),
    );
    if (key !== undefined) poseidonParts.set(key, root);
    if (poseidonParts.size > POSEIDON_PARTS_KEPT) poseidonParts.delete(poseidonParts.keys().next().value as string);
  }
  if (root !== expected) {
    fail('root', `recomputed shared root ${root} differs from the expected root ${expected} of epoch ${proof.epoch}`);
  }
  return true;
}
