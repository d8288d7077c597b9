import {
  epochData,
  epochDataLength,
  epochPublicSignals,
  groupUpdates,
  ProtocolError,
  publicSignalsList,
  type AggregationShape,
  type EpochGroup,
} from '@interop/protocol';
import type { Hex } from 'viem';

import { ProofChainError } from './errors';
import type { Groth16Proof, PublicSignals, VerificationKey } from './types';
import { verifyAggregationProof } from './verifyAggregationProof';

/** The epoch shape a link was proved with: its name (the key of its verification key) and its sizes. */
export type ProofChainShape = AggregationShape & { readonly name: string };

/** What every link of the proof chain states besides its data: the epoch, its shape, its proof. */
export type ProofChainEpochBase = {
  epoch: bigint;
  shape: ProofChainShape;
  proof: Groth16Proof;
  /** The proof's public signals as stated (decimal strings, `[dataCommitment, challenge, evaluation]`). */
  publicSignals: PublicSignals;
  /** The data commitment as stated next to the proof (e.g. the hub's `dataCommitment`), checked when given. */
  dataCommitment?: bigint;
};

/** A link with what its epoch applied as L1's calldata has it: the roots and the groups. */
export type ProofChainLink = ProofChainEpochBase & { prevRoot: bigint; root: bigint; groups: readonly EpochGroup[] };

/**
 * One link of the proof chain: an epoch, its shape, what it applied (as its roots and groups, or as the epoch data
 * vector `D` of SPEC "Epoch data": `D[0]` = prevRoot, `D[1]` = root) and its Groth16 proof.
 */
export type ProofChainEpoch = ProofChainLink | (ProofChainEpochBase & { data: readonly bigint[] });

/** Verifies one Groth16 proof (default: snarkjs through `verifyAggregationProof`). */
export type VerifyProofFn = (
  vkey: VerificationKey,
  proof: Groth16Proof,
  publicSignals: PublicSignals,
) => Promise<boolean>;

/** Verification keys by shape name (circuits/keys/<name>.vkey.json). */
export type ShapeVerificationKeys = ReadonlyMap<string, VerificationKey> | Readonly<Record<string, VerificationKey>>;

export type VerifyProofChainOptions = {
  /** The root the first epoch must start from (e.g. the genesis root `Zs(SHARED_DEPTH)` for epoch 1). */
  startRoot?: bigint;
  /** Replaces the Groth16 verification (tests of the link logic). */
  verify?: VerifyProofFn;
};

/** What `verifyProofChain` checked. */
export type VerifyProofChainReturnType = {
  epochs: number;
  firstEpoch?: bigint;
  lastEpoch?: bigint;
  startRoot?: bigint;
  endRoot?: bigint;
};

/**
 * Checks a history of aggregation steps the way L1 accepted them, link by link (SPEC "Epoch data", "L1 settlement"):
 * epochs are consecutive; each starts from the root the previous one ended at (the first from `startRoot` when
 * given); its data vector (`epochData(prevRoot, root, groups, shape)`, or the given `data`) gives, with
 * `epochPublicSignals`, exactly the proof's public signals (and the stated data commitment); and the proof verifies
 * against the verification key of its shape. The public signals bind the proof to the roots and groups: a proof
 * of other data, or data with another root, does not pass.
 *
 * @throws ProofChainError naming the first bad epoch: PROOF_CHAIN_BROKEN (not consecutive, or not starting where
 *   the previous epoch ended), EPOCH_DATA_INVALID (groups the shape cannot hold, a non-canonical root, data of the
 *   wrong length), PUBLIC_SIGNALS_MISMATCH, VERIFICATION_KEY_MISSING (no key for the shape), PROOF_INVALID.
 * @example
 * await verifyProofChain(epochs, { s4: s4Vkey, l32: l32Vkey }); // resolves, or throws for the first bad epoch
 */
export async function verifyProofChain(
  epochs: readonly ProofChainEpoch[],
  vkeys: ShapeVerificationKeys,
  options: VerifyProofChainOptions = {},
): Promise<VerifyProofChainReturnType> {
  const verify = options.verify ?? verifyAggregationProof;
  const keys: ReadonlyMap<string, VerificationKey> =
    vkeys instanceof Map ? (vkeys as ReadonlyMap<string, VerificationKey>) : new Map(Object.entries(vkeys));
  let previous: { epoch: bigint; root: bigint } | undefined;
  let startRoot: bigint | undefined;
  for (const e of epochs) {
    if (previous && e.epoch !== previous.epoch + 1n) {
      throw new ProofChainError(
        'PROOF_CHAIN_BROKEN',
        e.epoch,
        `follows epoch ${previous.epoch} (epochs must be consecutive)`,
      );
    }
    const data = dataOf(e);
    const prevRoot = data[0]!;
    const root = data[1]!;
    if (previous && prevRoot !== previous.root) {
      throw new ProofChainError(
        'PROOF_CHAIN_BROKEN',
        e.epoch,
        `prevRoot ${prevRoot} is not the root ${previous.root} of epoch ${previous.epoch}`,
      );
    }
    if (!previous && options.startRoot !== undefined && prevRoot !== options.startRoot) {
      throw new ProofChainError(
        'PROOF_CHAIN_BROKEN',
        e.epoch,
        `prevRoot ${prevRoot} is not the root ${options.startRoot} the chain must start from`,
      );
    }
    let expected: [string, string, string];
    try {
      expected = publicSignalsList(epochPublicSignals(data));
    } catch (err) {
      throw new ProofChainError('EPOCH_DATA_INVALID', e.epoch, `its data is not a field vector (${firstLine(err)})`);
    }
    if (e.dataCommitment !== undefined && e.dataCommitment.toString() !== expected[0]) {
      throw new ProofChainError(
        'PUBLIC_SIGNALS_MISMATCH',
        e.epoch,
        `the stated data commitment ${e.dataCommitment} is not ${expected[0]}, the commitment of its data`,
      );
    }
    if (e.publicSignals.length !== 3 || e.publicSignals.some((s, i) => s !== expected[i])) {
      throw new ProofChainError(
        'PUBLIC_SIGNALS_MISMATCH',
        e.epoch,
        `the proof's public signals [${e.publicSignals.join(', ')}] are not [${expected.join(', ')}], ` +
          `[dataCommitment, challenge, evaluation] of its data in shape ${e.shape.name}`,
      );
    }
    const vkey = keys.get(e.shape.name);
    if (!vkey) {
      throw new ProofChainError('VERIFICATION_KEY_MISSING', e.epoch, `no verification key of shape ${e.shape.name}`);
    }
    if (!(await verify(vkey, e.proof, e.publicSignals))) {
      throw new ProofChainError(
        'PROOF_INVALID',
        e.epoch,
        `the Groth16 proof does not verify with the verification key of shape ${e.shape.name}`,
      );
    }
    startRoot ??= prevRoot;
    previous = { epoch: e.epoch, root };
  }
  return {
    epochs: epochs.length,
    ...(epochs.length > 0 ? { firstEpoch: epochs[0]!.epoch, lastEpoch: previous!.epoch } : {}),
    ...(startRoot !== undefined ? { startRoot, endRoot: previous!.root } : {}),
  };
}

/** One update of an epoch as the hub and the shared-root records list them, with the chain root after it. */
export type EpochGroupsOfUpdate = {
  slot: number;
  chainId: bigint;
  batchNumber: bigint;
  batchRoot: Hex;
  /** The chain root after this batch (a field element). */
  chainRoot: bigint;
};

/**
 * The groups of an epoch from its flat update list (as the hub's `GET /roots/:epoch` and `interop.shared-roots`
 * records list them): libs/protocol `groupUpdates` with the shape's group size (the canonical split, SPEC "Epoch
 * shape"), each group's chain root being that of its last update.
 *
 * @example
 * epochGroupsOf(updates, 2); // [{ slot, chainId, firstBatch, chainRoot, batchRoots }, ...]
 */
export function epochGroupsOf(updates: readonly EpochGroupsOfUpdate[], groupSize: number): EpochGroup[] {
  return groupUpdates(updates, groupSize).map((g) => ({
    slot: g[0]!.slot,
    chainId: g[0]!.chainId,
    firstBatch: g[0]!.batchNumber,
    chainRoot: g[g.length - 1]!.chainRoot,
    batchRoots: g.map((u) => u.batchRoot),
  }));
}

/** The epoch data vector of a link, checked against its shape. */
function dataOf(e: ProofChainEpoch): bigint[] {
  let length: number;
  try {
    length = epochDataLength(e.shape);
  } catch (err) {
    throw new ProofChainError('EPOCH_DATA_INVALID', e.epoch, `shape ${e.shape.name}: ${firstLine(err)}`);
  }
  if ('data' in e) {
    if (e.data.length !== length) {
      throw new ProofChainError(
        'EPOCH_DATA_INVALID',
        e.epoch,
        `its data has ${e.data.length} elements, shape ${e.shape.name} has ${length}`,
      );
    }
    return [...e.data];
  }
  try {
    return epochData(e.prevRoot, e.root, e.groups, e.shape);
  } catch (err) {
    throw new ProofChainError(
      'EPOCH_DATA_INVALID',
      e.epoch,
      `its groups do not make epoch data of shape ${e.shape.name} (${firstLine(err)})`,
    );
  }
}

/** One line about a thrown value: a protocol error's details (they name the value), else its first line. */
function firstLine(err: unknown): string {
  if (err instanceof ProtocolError && err.details) return err.details;
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').find((l) => l.trim() !== '') ?? text;
}
