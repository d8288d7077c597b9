import { toHex, type ContractFunctionArgs, type Hex } from 'viem';
import type { EpochGroup } from '@interop/protocol';
import { SubmitRootArgsError } from './errors';
import type { interopHubAbi } from './generated/InteropHub';

/** What the operator signed for one batch besides its roots (EIP-712 `BatchRoot`), and the signature. */
export type SignedBatchMetadata = {
  messageCount: number;
  firstBlock: bigint;
  lastBlock: bigint;
  /** 65-byte EIP-712 `BatchRoot` signature by the chain's operator (over this batch and the chain root after it). */
  signature: Hex;
};

/** A Groth16 proof in the verifier's argument layout, as `toSolidityProof` (libs/prover) returns it. */
export type SolidityProofArgs = {
  a: readonly [bigint, bigint];
  b: readonly [readonly [bigint, bigint], readonly [bigint, bigint]];
  c: readonly [bigint, bigint];
};

export type SubmitRootArgsParameters = {
  /** The epoch being settled (L1 `epoch + 1`). */
  epoch: bigint;
  /** L1 id of the epoch's shape (`shapeId` of libs/protocol). */
  shapeId: number;
  /** Shared root before / after the epoch, as field elements or their bytes32. */
  prevRoot: bigint | Hex;
  newRoot: bigint | Hex;
  /** The proof's first public signal (`AggregationStepResult.publicSignals.dataCommitment`). */
  dataCommitment: bigint;
  /** `AggregationStepResult.groups`, in order. */
  groups: readonly EpochGroup[];
  /** One entry per batch, in update order (the groups' batches one after the other). */
  metadata: readonly SignedBatchMetadata[];
  proof: SolidityProofArgs;
};

/** The exact viem `args` of `InteropHub.submitRoot`. */
export type SubmitRootArgs = ContractFunctionArgs<typeof interopHubAbi, 'nonpayable', 'submitRoot'>;

type GroupUpdateArgs = SubmitRootArgs[5][number];

const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

/**
 * Turns an aggregated epoch into the arguments of `InteropHub.submitRoot(newEpoch, shapeId, prevRoot, newRoot,
 * dataCommitment, groups, proof)` (contracts/src/InteropHub.sol, SPEC "L1 settlement"), applying the signature rule
 * of SPEC "Authorization": the LAST group of each chain in the epoch carries the signature (and signed metadata) of
 * its last batch; the chain's earlier groups carry an empty signature and zero metadata (L1 ignores it; zero bytes
 * are the cheapest calldata).
 *
 * @throws {SubmitRootArgsError} when `metadata` does not have one entry per batch, a group has no batch, or a
 *   signing group's signature is not 65 bytes.
 *
 * @example
 * const step = state.apply(updates, PRODUCTION_SHAPES.s4);
 * const args = submitRootArgs({
 *   epoch: 1n,
 *   shapeId: shapeId(PRODUCTION_SHAPES.s4),
 *   prevRoot: step.oldRoot,
 *   newRoot: step.newRoot,
 *   dataCommitment: step.publicSignals.dataCommitment,
 *   groups: step.groups,
 *   metadata,
 *   proof: toSolidityProof(proof),
 * });
 * await walletClient.writeContract({ address: hub, abi: interopHubAbi, functionName: 'submitRoot', args });
 */
export function submitRootArgs({
  epoch,
  shapeId,
  prevRoot,
  newRoot,
  dataCommitment,
  groups,
  metadata,
  proof,
}: SubmitRootArgsParameters): SubmitRootArgs {
  const batches = groups.reduce((n, g) => n + g.batchRoots.length, 0);
  if (metadata.length !== batches) {
    throw new SubmitRootArgsError(`${metadata.length} metadata entries for ${batches} batches (one per batch)`);
  }
  const lastGroupOf = new Map<bigint, number>();
  groups.forEach((g, i) => lastGroupOf.set(g.chainId, i));
  let offset = 0;
  const updates = groups.map((g, i): GroupUpdateArgs => {
    const count = g.batchRoots.length;
    if (count === 0) throw new SubmitRootArgsError(`group ${i} (chain ${g.chainId}) has no batch`);
    offset += count;
    const common = {
      chainId: g.chainId,
      firstBatch: g.firstBatch,
      chainRoot: toHex(g.chainRoot, { size: 32 }),
      batchRoots: g.batchRoots,
    };
    if (lastGroupOf.get(g.chainId) !== i) {
      return { ...common, messageCount: 0, firstBlock: 0n, lastBlock: 0n, signature: '0x' };
    }
    const signed = metadata[offset - 1]!;
    if (!SIGNATURE.test(signed.signature)) {
      throw new SubmitRootArgsError(
        `group ${i} is chain ${g.chainId}'s last in the epoch and must carry a 65-byte signature of batch ` +
          `${g.firstBatch + BigInt(count - 1)}, got ${signed.signature}`,
      );
    }
    return {
      ...common,
      messageCount: signed.messageCount,
      firstBlock: signed.firstBlock,
      lastBlock: signed.lastBlock,
      signature: signed.signature,
    };
  });
  const root = (x: bigint | Hex): Hex => (typeof x === 'bigint' ? toHex(x, { size: 32 }) : x);
  return [
    epoch,
    shapeId,
    root(prevRoot),
    root(newRoot),
    dataCommitment,
    updates,
    {
      a: [proof.a[0], proof.a[1]],
      b: [
        [proof.b[0][0], proof.b[0][1]],
        [proof.b[1][0], proof.b[1][1]],
      ],
      c: [proof.c[0], proof.c[1]],
    },
  ];
}
