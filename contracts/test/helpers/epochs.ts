import { keccak256, toHex, type Address, type Hex } from 'viem';
import {
  AggregationState,
  fieldToBytes32,
  interopHubDomain,
  shapeId,
  signBatchRoot,
  type AggregationShape,
  type AggregationStepResult,
  type BatchRootCommitment,
  type Update,
} from '@interop/protocol';
import {
  submitRootArgs,
  type SignedBatchMetadata,
  type SolidityProofArgs,
  type SubmitRootArgs,
} from '@interop/contracts';

/** Proof bytes for the test verifiers, which ignore them. */
export const NO_PROOF: SolidityProofArgs = {
  a: [0n, 0n],
  b: [
    [0n, 0n],
    [0n, 0n],
  ],
  c: [0n, 0n],
};

/** One batch of an epoch to prepare: which chain, its keccak batch root. */
export type BatchSpec = { chainId: bigint; batchRoot: Hex };

/** Signs a batch as its chain's operator would (EIP-712 `BatchRoot` with the chain root after it). */
export type BatchSigner = (commitment: BatchRootCommitment) => Promise<Hex>;

/** An epoch as the hub would prepare it, on a copy of the aggregation state. */
export type PreparedEpoch = {
  shape: AggregationShape;
  shapeId: number;
  updates: Update[];
  step: AggregationStepResult;
  /** The state after the epoch: adopt it once L1 settled the epoch. */
  after: AggregationState;
  /** What was signed for each batch, in update order. */
  commitments: BatchRootCommitment[];
  metadata: SignedBatchMetadata[];
};

/** The signed metadata the tests use for batch `n` (any values work; they only have to be the signed ones). */
export function testMetadata(
  batchNumber: bigint,
): Pick<BatchRootCommitment, 'messageCount' | 'firstBlock' | 'lastBlock'> {
  return {
    messageCount: 1 + Number(batchNumber % 7n),
    firstBlock: 10n * batchNumber + 1n,
    lastBlock: 10n * batchNumber + 9n,
  };
}

/**
 * Aggregates `batches` (in update order, each the next batch of its chain) on a copy of `state` with `shape`, and
 * signs every batch with the chain root after it, as the chain operators and the hub do.
 */
export async function prepareEpoch({
  state,
  slots,
  shape,
  batches,
  sign,
}: {
  state: AggregationState;
  slots: ReadonlyMap<bigint, number>;
  shape: AggregationShape;
  batches: readonly BatchSpec[];
  sign: BatchSigner;
}): Promise<PreparedEpoch> {
  const next = new Map<bigint, bigint>();
  const updates = batches.map((b): Update => {
    const slot = slots.get(b.chainId);
    if (slot === undefined) throw new Error(`chain ${b.chainId} has no slot`);
    const batchNumber = next.get(b.chainId) ?? BigInt(state.chainSize(b.chainId));
    next.set(b.chainId, batchNumber + 1n);
    return { slot, chainId: b.chainId, batchNumber, batchRoot: b.batchRoot };
  });
  const after = state.clone();
  const step = after.apply(updates, shape);
  const commitments = updates.map((u, i): BatchRootCommitment => ({
    chainId: u.chainId,
    batchNumber: u.batchNumber,
    batchRoot: u.batchRoot,
    chainRoot: fieldToBytes32(step.chainRoots[i]!),
    ...testMetadata(u.batchNumber),
  }));
  const metadata = await Promise.all(
    commitments.map(async (c) => ({
      messageCount: c.messageCount,
      firstBlock: c.firstBlock,
      lastBlock: c.lastBlock,
      signature: await sign(c),
    })),
  );
  return { shape, shapeId: shapeId(shape), updates, step, after, commitments, metadata };
}

/** `submitRoot` args of a prepared epoch (libs/contracts `submitRootArgs`). */
export function argsOf(e: PreparedEpoch, epoch: bigint, proof: SolidityProofArgs = NO_PROOF): SubmitRootArgs {
  return submitRootArgs({
    epoch,
    shapeId: e.shapeId,
    prevRoot: e.step.oldRoot,
    newRoot: e.step.newRoot,
    dataCommitment: e.step.publicSignals.dataCommitment,
    groups: e.step.groups,
    metadata: e.metadata,
    proof,
  });
}

/** A signer using each chain's operator key, for the hub at `hub` on L1 chain `l1ChainId`. */
export function operatorSigner(l1ChainId: number, hub: Address, keys: ReadonlyMap<bigint, Hex>): BatchSigner {
  return (c) => {
    const key = keys.get(c.chainId);
    if (!key) throw new Error(`no operator key for chain ${c.chainId}`);
    return signBatchRoot(key, interopHubDomain(BigInt(l1ChainId), hub), c);
  };
}

/** A 32-byte batch root derived from a label (distinct labels give distinct roots). */
export function rootOf(label: string): Hex {
  return keccak256(toHex(label));
}
