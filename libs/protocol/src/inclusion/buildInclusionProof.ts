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

/**
 * Builds the inclusion proof of `message` (SPEC "Inclusion proof"): its keccak path in the batch, the batch leaf's
 * Poseidon path in the chain tree as it was at the epoch, and the chain leaf's path in the epoch's shared tree.
 * Checks every link (message in batch, batch leaf in chain tree, chain leaf in shared tree) so a proof that would
 * not verify is never returned. Its verification mirrors `InteropHandler` (contracts/src/libraries/BatchMerkle.sol,
 * PoseidonMerkle.sol).
 *
 * @throws {InclusionProofBuildError} if the data is inconsistent.
 *
 * @example
 * const proof = buildInclusionProof({ message, batch: leaves, batchNumber: 3n, chainTree, chainSizeAtEpoch: 4,
 *   sharedTree: sharedTreeAtEpoch, slot: 0, epoch: 7n });
 */
export function buildInclusionProof(p: BuildInclusionProofParameters): InclusionProof {
  try {
    const tree = p.batch instanceof BatchTree ? p.batch : new BatchTree(p.batch, p.batchDepth ?? BATCH_DEPTH);
    const leaf = messageLeaf(p.message);
    const leafIndex = tree.indexOf(leaf);
    if (leafIndex < 0) throw new InclusionProofBuildError({ details: `message ${leaf} is not in the batch` });
    const batchProof = tree.proof(leafIndex);
    const n = p.batchNumber;
    if (n < 0n || n >= BigInt(p.chainSizeAtEpoch)) {
      throw new InclusionProofBuildError({
        details: `batch ${n} is not in the chain tree at size ${p.chainSizeAtEpoch}`,
      });
    }
    const chainProof = p.chainTree.proof(Number(n), p.chainSizeAtEpoch);
    if (chainProof.leaf !== batchLeaf(batchProof.root, n)) {
      throw new InclusionProofBuildError({ details: `the chain tree's leaf ${n} is not this batch's leaf` });
    }
    const sharedProof = p.sharedTree.proof(p.slot);
    if (sharedProof.leaf !== chainLeaf(chainProof.root, p.message.srcChainId)) {
      throw new InclusionProofBuildError({
        details: `slot ${p.slot} of the shared tree does not hold chain ${p.message.srcChainId} at size ${p.chainSizeAtEpoch}`,
      });
    }
    return {
      epoch: p.epoch,
      leafIndex,
      batchPath: batchProof.siblings,
      batchNumber: n,
      chainPath: [...chainProof.siblings],
      slot: p.slot,
      sharedPath: [...sharedProof.siblings],
    };
  } catch (e) {
    if (e instanceof InclusionProofBuildError) throw e;
    if (e instanceof ProtocolError) throw new InclusionProofBuildError({ details: e.message, cause: e });
    throw e;
  }
}
