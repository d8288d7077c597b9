import type { Hex } from 'viem';
import { BatchTree } from '../batch/BatchTree';
import { ProtocolError } from '../errors/base';
import { InclusionProofBuildError } from '../errors/inclusion';
import type { InteropMessage } from '../message/interopMessage';
import { messageLeaf } from '../message/messageLeaf';
import { batchLeaf } from '../poseidon/batchLeaf';
import { chainLeaf } from '../poseidon/chainLeaf';
import type { ChainTree } from '../trees/ChainTree';
import { BATCH_DEPTH } from '../trees/depths';
import type { SharedTree } from '../trees/SharedTree';
import type { InclusionProof } from './inclusionProof';

/** Inputs of {@link buildInclusionProof}. */
export type BuildInclusionProofParameters = {
  message: InteropMessage;
  /** All message leaves of the message's batch, in emission order (or the batch tree built from them). */
  batch: readonly Hex[] | BatchTree;
  /** Batch depth when `batch` is a leaf list (default BATCH_DEPTH = 16). */
  batchDepth?: number;
  batchNumber: bigint;
  /** The source chain's tree; it may have grown since the epoch. */
  chainTree: ChainTree;
  /** Size of the chain tree at the epoch (number of the chain's batches aggregated by then). */
  chainSizeAtEpoch: number;
  /** The shared tree as it was at the epoch (its root is the epoch's shared root). */
  sharedTree: SharedTree;
  /** Shared-tree slot of `message.srcChainId`. */
  slot: number;
  epoch: bigint;
};

/** Inputs of {@link buildInclusionProofs}: those of {@link buildInclusionProof} with the batch's messages to prove. */
export type BuildInclusionProofsParameters = Omit<BuildInclusionProofParameters, 'message'> & {
  /** Messages of the batch to prove (any subset, any order, repeats allowed); one proof each, in this order. */
  messages: readonly InteropMessage[];
};

/**
 * Builds the inclusion proof of `message` (SPEC "Inclusion proof"): its keccak path in the batch, the batch leaf's
 * Poseidon path in the chain tree as it was at the epoch, and the chain leaf's path in the epoch's shared tree.
 * Checks every link (message in batch, batch leaf in chain tree, chain leaf in shared tree) so a proof that would
 * not verify is never returned. Its verification mirrors `InteropHandler` (contracts/src/libraries/BatchMerkle.sol,
 * PoseidonMerkle.sol). To prove several messages of one batch, {@link buildInclusionProofs} shares the work.
 *
 * @throws {InclusionProofBuildError} if the data is inconsistent.
 *
 * @example
 * const proof = buildInclusionProof({ message, batch: leaves, batchNumber: 3n, chainTree, chainSizeAtEpoch: 4,
 *   sharedTree: sharedTreeAtEpoch, slot: 0, epoch: 7n });
 */
export function buildInclusionProof(p: BuildInclusionProofParameters): InclusionProof {
  const { message, ...rest } = p;
  return buildInclusionProofs({ ...rest, messages: [message] })[0] as InclusionProof;
}

/**
 * The inclusion proofs of many messages of one batch at once: element i is exactly what
 * `buildInclusionProof({ ...p, message: p.messages[i] })` returns, but the batch tree is built (from a leaf list)
 * and indexed once, and the batch's chain path, shared path and their checks are computed once per call (once per
 * source chain id among `messages`), not per message. What is left per message is its leaf (one keccak of its
 * encoding), a lookup and its batch-tree siblings.
 *
 * @throws {InclusionProofBuildError} the error `buildInclusionProof` throws for the first message (in order) it
 * would reject: not in the batch, a batch number outside the chain tree at the epoch, a chain-tree leaf that is not
 * this batch's, or a shared-tree slot that does not hold the chain. Nothing is returned then; to prove the others,
 * call `buildInclusionProof` per message.
 *
 * @example
 * const proofs = buildInclusionProofs({ messages, batch: leaves, batchNumber: 3n, chainTree, chainSizeAtEpoch: 4,
 *   sharedTree: sharedTreeAtEpoch, slot: 0, epoch: 7n });
 */
export function buildInclusionProofs(p: BuildInclusionProofsParameters): InclusionProof[] {
  try {
    const tree = p.batch instanceof BatchTree ? p.batch : new BatchTree(p.batch, p.batchDepth ?? BATCH_DEPTH);
    const n = p.batchNumber;
    /** Chain and shared paths per source chain id (every message of a real batch has the same one). */
    const links = new Map<bigint, { chainPath: readonly bigint[]; sharedPath: readonly bigint[] }>();
    const linksOf = (srcChainId: bigint) => {
      const known = links.get(srcChainId);
      if (known) return known;
      if (n < 0n || n >= BigInt(p.chainSizeAtEpoch)) {
        throw new InclusionProofBuildError({
          details: `batch ${n} is not in the chain tree at size ${p.chainSizeAtEpoch}`,
        });
      }
      const chainProof = p.chainTree.proof(Number(n), p.chainSizeAtEpoch);
      if (chainProof.leaf !== batchLeaf(tree.root, n)) {
        throw new InclusionProofBuildError({ details: `the chain tree's leaf ${n} is not this batch's leaf` });
      }
      const sharedProof = p.sharedTree.proof(p.slot);
      if (sharedProof.leaf !== chainLeaf(chainProof.root, srcChainId)) {
        throw new InclusionProofBuildError({
          details: `slot ${p.slot} of the shared tree does not hold chain ${srcChainId} at size ${p.chainSizeAtEpoch}`,
        });
      }
      const found = { chainPath: chainProof.siblings, sharedPath: sharedProof.siblings };
      links.set(srcChainId, found);
      return found;
    };
    return p.messages.map((message) => {
      const leaf = messageLeaf(message);
      const leafIndex = tree.indexOf(leaf);
      if (leafIndex < 0) throw new InclusionProofBuildError({ details: `message ${leaf} is not in the batch` });
      const { chainPath, sharedPath } = linksOf(message.srcChainId);
      return {
        epoch: p.epoch,
        leafIndex,
        batchPath: tree.proof(leafIndex).siblings,
        batchNumber: n,
        chainPath: [...chainPath],
        slot: p.slot,
        sharedPath: [...sharedPath],
      };
    });
  } catch (e) {
    if (e instanceof InclusionProofBuildError) throw e;
    if (e instanceof ProtocolError) throw new InclusionProofBuildError({ details: e.message, cause: e });
    throw e;
  }
}
