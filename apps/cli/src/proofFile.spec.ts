import { readFileSync } from 'node:fs';
import path from 'node:path';

import {
  AggregationState,
  BatchTree,
  buildInclusionProof,
  fieldToBytes32,
  inclusionProofToJson,
  messageLeaf,
  PRODUCTION_DEPTHS,
  PRODUCTION_SHAPES,
  publicSignalsList,
  shapeId,
  type InteropMessage,
  type Update,
} from '@interop/protocol';
import { sampleMessage } from '@interop/protocol/testing/fixtures';
import { releaseSnarkjs } from '@interop/prover/testing/releaseSnarkjs';
import type { CircuitShape, Groth16Proof, PublicSignals, VerificationKey } from '@interop/prover/types';

import { CliError, UsageError } from './errors';
import {
  buildProofFile,
  parseProofFile,
  PROOF_FILE_FORMAT,
  proofFileShape,
  shapeOfId,
  verifyProofFile,
  type ProofFile,
} from './proofFile';
import { repoRoot } from './settings';

const A = 901n;
const B = 902n;
const SHAPES: CircuitShape[] = [
  { name: 's4', groups: 2, groupSize: 2, k: 4, chainDepth: 20, sharedDepth: 10 },
  { name: 'l32', groups: 2, groupSize: 16, k: 32, chainDepth: 20, sharedDepth: 10 },
];
const S4_ID = shapeId(PRODUCTION_SHAPES.s4);
const PROOF: Groth16Proof = {
  pi_a: ['1', '2', '1'],
  pi_b: [],
  pi_c: ['1', '2', '1'],
  protocol: 'groth16',
  curve: 'bn128',
};
const VKEY: VerificationKey = { protocol: 'groth16', curve: 'bn128', nPublic: 3 };

/**
 * Two epochs of shape s4 as the hub settles them, at production depths: epoch 1 = A#0 + B#0, epoch 2 = A#1 + A#2
 * (one chain in two groups: #1 ends the block [0, 2), #2 starts [2, 4)). The file proves `target`, in A#2.
 */
function network(): {
  hubEpoch: Record<string, unknown>;
  inclusion: ReturnType<typeof inclusionProofToJson>;
  target: InteropMessage;
} {
  const state = new AggregationState(PRODUCTION_DEPTHS);
  const batches = new Map<string, InteropMessage[]>();
  const batch = (chainId: bigint, n: bigint, count: number): Update => {
    const ms = Array.from({ length: count }, (_, i) =>
      sampleMessage({ srcChainId: chainId, dstChainId: chainId === A ? B : A, nonce: n * 10n + BigInt(i) }),
    );
    batches.set(`${chainId}/${n}`, ms);
    return {
      slot: chainId === A ? 0 : 1,
      chainId,
      batchNumber: n,
      batchRoot: new BatchTree(ms.map(messageLeaf), 16).root,
    };
  };
  state.apply([batch(A, 0n, 2), batch(B, 0n, 1)], PRODUCTION_SHAPES.s4);
  const updates = [batch(A, 1n, 1), batch(A, 2n, 3)];
  const step = state.apply(updates, PRODUCTION_SHAPES.s4);
  if (step.groups.length !== 2) throw new Error('epoch 2 should hold two groups of chain A');
  const ms = batches.get(`${A}/2`)!;
  const target = ms[1]!;
  const proof = buildInclusionProof({
    message: target,
    batch: ms.map(messageLeaf),
    batchNumber: 2n,
    chainTree: state.chainTree(A)!,
    chainSizeAtEpoch: 3,
    sharedTree: state.sharedTree,
    slot: 0,
    epoch: 2n,
  });
  const hubEpoch = {
    epoch: '2',
    root: fieldToBytes32(step.newRoot),
    prevRoot: fieldToBytes32(step.oldRoot),
    shapeId: S4_ID,
    dataCommitment: fieldToBytes32(step.publicSignals.dataCommitment),
    updates: updates.map((u, i) => ({
      slot: u.slot,
      chainId: u.chainId.toString(),
      batchNumber: u.batchNumber.toString(),
      batchRoot: u.batchRoot,
      chainRoot: fieldToBytes32(step.chainRoots[i]!),
      messageCount: batches.get(`${u.chainId}/${u.batchNumber}`)!.length,
      firstBlock: '10',
      lastBlock: '12',
      signature: `0x${'aa'.repeat(65)}`,
    })),
    proof: PROOF,
    publicSignals: publicSignalsList(step.publicSignals),
    l1TxHash: `0x${'cd'.repeat(32)}`,
    l1Block: '77',
    gasUsed: '300000',
    provingMs: 1234,
    settledAt: '2026-12-02T00:00:00.000Z',
  };
  return { hubEpoch, inclusion: inclusionProofToJson(target, proof), target };
}

/** A verifier that accepts, recording what it was asked. */
function acceptingVerifier() {
  const seen: PublicSignals[] = [];
  return {
    seen,
    verify: (_vkey: VerificationKey, _proof: Groth16Proof, signals: PublicSignals) => {
      seen.push(signals);
      return Promise.resolve(true);
    },
  };
}

const copy = (f: ProofFile): ProofFile => JSON.parse(JSON.stringify(f)) as ProofFile;

async function failure(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

afterAll(releaseSnarkjs);

describe('proof file v2', () => {
  const { hubEpoch, inclusion, target } = network();
  const id = messageLeaf(target);
  const file = buildProofFile(id, inclusion, hubEpoch, SHAPES, new Date('2026-12-02T01:00:00Z'));

  it('carries the shape (id and name), the depths, the roots, the updates with chain roots and signatures, the proof', () => {
    expect(file).toMatchObject({
      format: PROOF_FILE_FORMAT,
      version: 2,
      messageId: id.toLowerCase(),
      shape: { id: S4_ID, name: 's4' },
      depths: { batchDepth: 16, chainDepth: 20, sharedDepth: 10 },
      epoch: {
        epoch: '2',
        prevRoot: hubEpoch.prevRoot,
        root: hubEpoch.root,
        l1TxHash: hubEpoch.l1TxHash,
        proof: PROOF,
      },
      exportedAt: '2026-12-02T01:00:00.000Z',
    });
    expect(file.epoch.updates).toEqual(hubEpoch.updates);
    expect(Object.keys(file.epoch)).not.toContain('gasUsed');
    expect(parseProofFile(JSON.stringify(file), 'f.json')).toEqual(file);
  });

  it('refuses to export an epoch of a shape circuits/shapes does not have, or paths of other depths', () => {
    expect(() => buildProofFile(id, inclusion, { ...hubEpoch, shapeId: 3 * 65536 + 8 }, SHAPES)).toThrow(
      /proved with shape id 196616, which circuits\/shapes does not have \(s4 = 131074, l32 = 131088\)/,
    );
    const shallow = SHAPES.map((s) => ({ ...s, chainDepth: 16 }));
    expect(() => buildProofFile(id, inclusion, hubEpoch, shallow)).toThrow(
      'the inclusion proof has 20 chain and 10 shared siblings, shape s4 is built for depths 16/10',
    );
    expect(() => buildProofFile(id, inclusion, { ...hubEpoch, updates: [] }, SHAPES)).toThrow(
      /the hub's epoch 2 is incomplete \(updates: /,
    );
  });

  it('verifies offline: message id, inclusion path to the root, the groups into the public signals, then Groth16', async () => {
    const { verify, seen } = acceptingVerifier();
    const v = await verifyProofFile(file, VKEY, { verify });
    expect(v).toEqual({
      messageId: id.toLowerCase(),
      srcChainId: A,
      dstChainId: B,
      batchNumber: 2n,
      leafIndex: 1,
      epoch: 2n,
      shape: 's4',
      prevRoot: hubEpoch.prevRoot,
      root: hubEpoch.root,
      updates: 2,
      groups: 2,
      l1TxHash: hubEpoch.l1TxHash,
    });
    expect(seen).toEqual([hubEpoch.publicSignals]);
    // The same with the repository's shapes (name and depths from circuits/shapes).
    await expect(verifyProofFile(file, VKEY, { verify, shapes: SHAPES })).resolves.toMatchObject({ shape: 's4' });
  });

  it('names the first check that fails, each as one line', async () => {
    const { verify, seen } = acceptingVerifier();
    const cases: Array<[string, (f: ProofFile) => void, RegExp]> = [
      [
        'message',
        (f) => ((f.inclusion as { message: { amount: string } }).message.amount = '1'),
        /^proof does NOT verify: the message hashes to 0x[0-9a-f]{64}, not to the message id/,
      ],
      ['epoch', (f) => (f.epoch.epoch = '3'), /the inclusion proof is for epoch 2, the file carries epoch 3/],
      ['root', (f) => (f.epoch.root = f.epoch.prevRoot), /^proof does NOT verify: inclusion proof: /],
      [
        'batch root',
        (f) => (f.epoch.updates[0]!.batchRoot = `0x${'11'.repeat(32)}`),
        /epoch 2: its updates and roots do not give its data commitment/,
      ],
      [
        "the last update's chain root (in the data)",
        (f) => (f.epoch.updates[1]!.chainRoot = f.epoch.prevRoot),
        /do not give its data commitment/,
      ],
      [
        'grouping (the updates out of order)',
        (f) => f.epoch.updates.reverse(),
        /epoch 2: its updates do not make epoch data of shape s4|do not give its data commitment/,
      ],
      [
        'a public signal',
        (f) => (f.epoch.publicSignals[2] = '5'),
        /the public signals are not \[dataCommitment, challenge, evaluation\] of its data in shape s4/,
      ],
      ['a shape id', (f) => (f.shape.id = S4_ID + 1), /shape id 131075 is not groups \* 65536 \+ groupSize/],
    ];
    for (const [what, change, expected] of cases) {
      const f = copy(file);
      change(f);
      const err = await failure(verifyProofFile(f, VKEY, { verify }));
      expect({ what, message: err.message }).toEqual({ what, message: expect.stringMatching(expected) });
      expect(err.message.split('\n')).toHaveLength(1);
      expect(err.exitCode).toBe(1);
    }
    // The chain root of a group's earlier update is not in the epoch data (the last one's is): not a failure here.
    expect(seen).toHaveLength(0);
    await expect(failure(verifyProofFile(file, { ...VKEY, nPublic: 4 }, { verify }))).resolves.toMatchObject({
      message: 'proof does NOT verify: the verification key is not a Groth16 key with 3 public inputs',
    });
  });

  it("runs snarkjs against the shape's committed key: a proof that is not one is refused", async () => {
    const vkey = JSON.parse(
      readFileSync(path.join(repoRoot(), 'circuits', 'keys', 's4.vkey.json'), 'utf8'),
    ) as VerificationKey;
    const err = await failure(verifyProofFile(file, vkey));
    expect(err.message).toBe(
      'proof does NOT verify: epoch 2: the Groth16 proof does not verify with this verification key (shape s4)',
    );
  });

  it('names the shape from circuits/shapes when at hand, else from the file', () => {
    const renamed = { ...copy(file), shape: { id: S4_ID, name: 'small' } };
    expect(proofFileShape(renamed, SHAPES)).toEqual({
      name: 's4',
      shape: PRODUCTION_SHAPES.s4,
      depths: PRODUCTION_DEPTHS,
    });
    expect(proofFileShape(renamed, undefined).name).toBe('small');
    expect(shapeOfId(2 * 65536 + 16)).toEqual(PRODUCTION_SHAPES.l32);
    expect(() => shapeOfId(2 * 65536 + 1)).toThrow(CliError);
  });

  it('refuses what is not a proof file with one line naming the problem', () => {
    expect(() => parseProofFile('{', 'x.json')).toThrow('x.json is not JSON');
    expect(() => parseProofFile('{"format":"other"}', 'x.json')).toThrow(
      `x.json is not an ${PROOF_FILE_FORMAT} v2 file (format:`,
    );
    expect(() => parseProofFile(JSON.stringify({ ...file, version: 1 }), 'v1.json')).toThrow(UsageError);
    const almost = { ...copy(file), epoch: { epoch: '1' } };
    expect(() => parseProofFile(JSON.stringify(almost), 'y.json')).toThrow(/y\.json is not .* \(epoch\.prevRoot: /);
  });
});
