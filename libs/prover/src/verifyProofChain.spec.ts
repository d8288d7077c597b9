// verifyProofChain and the `verify-chain` CLI: the link and recomputation logic with an injected verifier, and the
// snarkjs path with real proofs of shape s4 (built on demand by ensureCircuits).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import {
  AggregationState,
  epochData,
  fieldToBytes32,
  PRODUCTION_DEPTHS,
  PRODUCTION_SHAPES,
  publicSignalsList,
  shapeId,
  type AggregationShape,
  type AggregationStepResult,
  type Update,
} from '@interop/protocol';

import { loadShapes } from './circuitArtifacts';
import { epochsFromJson } from './cli';
import { ProofChainError } from './errors';
import { Prover } from './prover';
import { repoRoot } from './repoRoot';
import { ensureCircuits } from './testing/ensureCircuits';
import { releaseSnarkjs } from './testing/releaseSnarkjs';
import { sampleSteps, type SampleStep } from './testing/sampleSteps';
import type { Groth16Proof, VerificationKey } from './types';
import {
  epochGroupsOf,
  verifyProofChain,
  type ProofChainEpoch,
  type ProofChainLink,
  type ProofChainShape,
  type VerifyProofFn,
} from './verifyProofChain';

jest.setTimeout(20 * 60_000);

const S4: ProofChainShape = { name: 's4', ...PRODUCTION_SHAPES.s4 };
const L32: ProofChainShape = { name: 'l32', ...PRODUCTION_SHAPES.l32 };
const steps = (shape: AggregationShape, epochs: number): SampleStep[] =>
  sampleSteps({ ...PRODUCTION_DEPTHS, k: shape.k, groupSize: shape.groupSize, epochs });

/** A stand-in proof: the fake verifier below decides, snarkjs never sees it. */
const fakeProof = (tag: string): Groth16Proof => ({
  pi_a: [tag],
  pi_b: [],
  pi_c: [],
  protocol: 'groth16',
  curve: 'bn128',
});
const vkeyOf = (name: string): VerificationKey => ({ protocol: 'groth16', curve: 'bn128', nPublic: 3, name });

/** Links of `steps` with the public signals libs/protocol computes for them (what a correct prover outputs). */
function links(
  shape: ProofChainShape,
  from: readonly SampleStep[],
  proofs?: readonly Groth16Proof[],
): ProofChainLink[] {
  return from.map((s, i) => ({
    epoch: s.epoch,
    shape,
    prevRoot: s.oldRoot,
    root: s.newRoot,
    groups: s.groups,
    proof: proofs?.[i] ?? fakeProof(`proof ${s.epoch}`),
    publicSignals: publicSignalsList(s.publicSignals),
  }));
}

/** A verifier that accepts unless the proof is tagged "bad", recording which key each proof was checked with. */
function fakeVerifier(): { verify: VerifyProofFn; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    verify: (vkey, proof) => {
      calls.push(`${String(vkey.name)}:${proof.pi_a[0]}`);
      return Promise.resolve(proof.pi_a[0] !== 'bad');
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<ProofChainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProofChainError) return err;
    throw err;
  }
  throw new Error('expected a ProofChainError');
}

/** The hub's `GET /roots/:epoch` JSON of a sample step. */
function hubEpoch(s: SampleStep, shape: AggregationShape, proof: Groth16Proof, publicSignals: string[]) {
  return {
    epoch: s.epoch.toString(),
    prevRoot: fieldToBytes32(s.oldRoot),
    root: fieldToBytes32(s.newRoot),
    shapeId: shapeId(shape),
    dataCommitment: fieldToBytes32(s.publicSignals.dataCommitment),
    updates: s.updates.map((u, i) => ({
      slot: u.slot,
      chainId: u.chainId.toString(),
      batchNumber: u.batchNumber.toString(),
      batchRoot: u.batchRoot,
      chainRoot: fieldToBytes32(s.chainRoots[i]!),
      messageCount: 1,
      firstBlock: '1',
      lastBlock: '2',
      signature: `0x${'11'.repeat(65)}`,
    })),
    proof,
    publicSignals,
    l1TxHash: `0x${'22'.repeat(32)}`,
    settledAt: '2026-12-02T00:00:00.000Z',
  };
}

const write = (data: unknown): string => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'chain-')), 'epochs.json');
  writeFileSync(
    file,
    JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
  );
  return file;
};

const runCli = (args: string[]) =>
  promisify(execFile)(
    path.join(repoRoot(), 'node_modules', '.bin', 'tsx'),
    [path.join(__dirname, 'cli.ts'), 'verify-chain', ...args],
    { cwd: repoRoot() },
  ).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('verifyProofChain (links and public signals, verifier injected)', () => {
  const s4Steps = steps(S4, 4);
  const vkeys = { s4: vkeyOf('s4'), l32: vkeyOf('l32') };

  it('accepts a linked chain, verifying each proof with the key of its shape', async () => {
    const { verify, calls } = fakeVerifier();
    const result = await verifyProofChain(links(S4, s4Steps), vkeys, { verify, startRoot: s4Steps[0]!.oldRoot });
    expect(result).toEqual({
      epochs: 4,
      firstEpoch: 1n,
      lastEpoch: 4n,
      startRoot: s4Steps[0]!.oldRoot,
      endRoot: s4Steps[3]!.newRoot,
    });
    expect(calls).toEqual(['s4:proof 1', 's4:proof 2', 's4:proof 3', 's4:proof 4']);
    await expect(verifyProofChain([], vkeys, { verify })).resolves.toEqual({ epochs: 0 });
  });

  it('takes the epoch data vector instead of its parts, and a Map of keys', async () => {
    const { verify, calls } = fakeVerifier();
    const asData = links(S4, s4Steps).map(({ prevRoot: _p, root: _r, groups, ...rest }, i) => ({
      ...rest,
      data: epochData(s4Steps[i]!.oldRoot, s4Steps[i]!.newRoot, groups, S4),
    }));
    await expect(verifyProofChain(asData, new Map([['s4', vkeyOf('s4')]]), { verify })).resolves.toMatchObject({
      epochs: 4,
    });
    expect(calls).toHaveLength(4);
    const short = [{ ...asData[0]!, data: asData[0]!.data.slice(1) }];
    const err = await rejection(verifyProofChain(short, vkeys, { verify }));
    expect(err.code).toBe('EPOCH_DATA_INVALID');
    expect(err.message).toBe('epoch 1: its data has 9 elements, shape s4 has 10');
  });

  it('checks a history of several shapes, each epoch against the key of its own shape', async () => {
    // One history: epoch 1 in s4 (chains 1000 and 1001, one batch each), epoch 2 in l32 (chain 1000's batches 1..16,
    // two groups: 1..15 end the block [0, 16), 16 starts the next).
    const state = new AggregationState(PRODUCTION_DEPTHS);
    const u = (chainId: bigint, batchNumber: bigint): Update => ({
      slot: Number(chainId - 1000n),
      chainId,
      batchNumber,
      batchRoot: fieldToBytes32(chainId * 1000n + batchNumber),
    });
    const e1 = state.apply([u(1000n, 0n), u(1001n, 0n)], S4);
    const e2 = state.apply(
      Array.from({ length: 16 }, (_, i) => u(1000n, BigInt(i + 1))),
      L32,
    );
    expect(e2.groups.map((g) => g.batchRoots.length)).toEqual([15, 1]);
    const link = (epoch: bigint, shape: ProofChainShape, s: AggregationStepResult): ProofChainLink => ({
      epoch,
      shape,
      prevRoot: s.oldRoot,
      root: s.newRoot,
      groups: s.groups,
      proof: fakeProof(`proof ${epoch}`),
      publicSignals: publicSignalsList(s.publicSignals),
    });
    const { verify, calls } = fakeVerifier();
    await expect(verifyProofChain([link(1n, S4, e1), link(2n, L32, e2)], vkeys, { verify })).resolves.toMatchObject({
      epochs: 2,
      endRoot: state.sharedRoot,
    });
    expect(calls).toEqual(['s4:proof 1', 'l32:proof 2']);
    // The l32 epoch's data read as s4 (another N, other groups) is not what its proof signed.
    const err = await rejection(verifyProofChain([link(1n, S4, e1), link(2n, S4, e2)], vkeys, { verify }));
    expect(err).toMatchObject({ code: 'EPOCH_DATA_INVALID', epoch: 2n });
  });

  it('names the epoch that is not the next one or does not start where the previous one ended', async () => {
    const { verify } = fakeVerifier();
    const all = links(S4, s4Steps);
    const skipped = await rejection(verifyProofChain([all[0]!, all[2]!], vkeys, { verify }));
    expect(skipped).toMatchObject({ code: 'PROOF_CHAIN_BROKEN', epoch: 3n });
    expect(skipped.message).toBe('epoch 3: follows epoch 1 (epochs must be consecutive)');
    const gap = await rejection(verifyProofChain([all[0]!, { ...all[2]!, epoch: 2n }], vkeys, { verify }));
    expect(gap).toMatchObject({ code: 'PROOF_CHAIN_BROKEN', epoch: 2n });
    expect(gap.message).toMatch(/^epoch 2: prevRoot \d+ is not the root \d+ of epoch 1$/);
    const start = await rejection(verifyProofChain(all.slice(1), vkeys, { verify, startRoot: s4Steps[0]!.oldRoot }));
    expect(start).toMatchObject({ code: 'PROOF_CHAIN_BROKEN', epoch: 2n });
  });

  it('recomputes the public signals from the data: any change to a root, a group or a signal is caught', async () => {
    const { verify, calls } = fakeVerifier();
    const [e1, e2] = links(S4, s4Steps);
    const g = e2!.groups[0]!;
    const tampered: ProofChainEpoch[] = [
      { ...e2!, root: e2!.root + 1n },
      {
        ...e2!,
        groups: [{ ...g, batchRoots: [`0x${'11'.repeat(32)}`, ...g.batchRoots.slice(1)] }, ...e2!.groups.slice(1)],
      },
      { ...e2!, groups: [{ ...g, chainRoot: g.chainRoot + 1n }, ...e2!.groups.slice(1)] },
      { ...e2!, groups: [...e2!.groups].reverse() },
      { ...e2!, publicSignals: [...e2!.publicSignals.slice(0, 2), '1'] },
      { ...e2!, publicSignals: e2!.publicSignals.slice(0, 2) },
    ];
    for (const bad of tampered) {
      const err = await rejection(verifyProofChain([e1!, bad], vkeys, { verify }));
      expect(err).toMatchObject({ code: 'PUBLIC_SIGNALS_MISMATCH', epoch: 2n });
    }
    const stated = await rejection(
      verifyProofChain([e1!, { ...e2!, dataCommitment: s4Steps[0]!.publicSignals.dataCommitment }], vkeys, { verify }),
    );
    expect(stated.code).toBe('PUBLIC_SIGNALS_MISMATCH');
    expect(stated.message).toMatch(/^epoch 2: the stated data commitment \d+ is not \d+/);
    await expect(
      verifyProofChain([e1!, { ...e2!, dataCommitment: s4Steps[1]!.publicSignals.dataCommitment }], vkeys, { verify }),
    ).resolves.toMatchObject({ epochs: 2 });
    // A proof is only checked once its signals are right: epoch 2's only in the last, good run.
    expect(calls.filter((c) => c === 's4:proof 2')).toHaveLength(1);
  });

  it('refuses groups the shape cannot hold, a missing key and a proof that does not verify', async () => {
    const { verify } = fakeVerifier();
    const [e1] = links(S4, s4Steps);
    const g = e1!.groups[0]!;
    const three = await rejection(verifyProofChain([{ ...e1!, groups: [g, g, g] }], vkeys, { verify }));
    expect(three.code).toBe('EPOCH_DATA_INVALID');
    expect(three.message).toBe('epoch 1: its groups do not make epoch data of shape s4 (3 groups, the shape has 2)');
    const crossing = { ...g, firstBatch: 1n, batchRoots: [g.batchRoots[0]!, g.batchRoots[0]!] };
    expect((await rejection(verifyProofChain([{ ...e1!, groups: [crossing] }], vkeys, { verify }))).message).toMatch(
      /crosses its aligned block of 2/,
    );
    const noKey = await rejection(verifyProofChain([e1!], { l32: vkeyOf('l32') }, { verify }));
    expect(noKey).toMatchObject({
      code: 'VERIFICATION_KEY_MISSING',
      message: 'epoch 1: no verification key of shape s4',
    });
    const bad = await rejection(
      verifyProofChain([e1!, { ...links(S4, s4Steps)[1]!, proof: fakeProof('bad') }], vkeys, { verify }),
    );
    expect(bad).toMatchObject({ code: 'PROOF_INVALID', epoch: 2n });
  });

  it('groups a flat update list as the hub and L1 do (chain root of a group = that of its last update)', () => {
    for (const s of s4Steps) {
      const updates = s.updates.map((u, i) => ({ ...u, chainRoot: s.chainRoots[i]! }));
      expect(epochGroupsOf(updates, S4.groupSize)).toEqual(s.groups);
    }
  });
});

describe('verify-chain CLI (before any proof is checked)', () => {
  const s4Steps = steps(S4, 2);

  it("reads the hub's epochs (shape id, updates with chain roots) into links of circuits/shapes shapes", () => {
    const hub = s4Steps.map((s) => hubEpoch(s, S4, fakeProof('p'), publicSignalsList(s.publicSignals)));
    const parsed = epochsFromJson(hub, loadShapes());
    expect(parsed.map((e) => [e.epoch, e.shape, e.prevRoot, e.root])).toEqual(
      s4Steps.map((s) => [s.epoch, S4, s.oldRoot, s.newRoot]),
    );
    expect(parsed.map((e) => e.groups)).toEqual(s4Steps.map((s) => s.groups));
    expect(parsed[0]!.dataCommitment).toBe(s4Steps[0]!.publicSignals.dataCommitment);
    expect(() => epochsFromJson([{ ...hub[0]!, shapeId: 3 }], loadShapes(), 'e.json')).toThrow(
      /^e\.json\[0\]: shape id 3 is none of circuits\/shapes \(s2 = 65538, s4 = 131074, l32 = 131088\)$/,
    );
    expect(() => epochsFromJson([{ ...hub[0]!, updates: [] }], loadShapes(), 'e.json')).toThrow(
      /^e\.json\[0\]\.updates: /,
    );
    expect(() => epochsFromJson([], loadShapes(), 'e.json')).toThrow(
      'e.json: expected a non-empty JSON array of epochs',
    );
  });

  it('exits 1 with one error line for data that does not give the public signals, 2 for unreadable input', async () => {
    const hub = s4Steps.map((s) => hubEpoch(s, S4, fakeProof('p'), publicSignalsList(s.publicSignals)));
    // Epoch 1's data is checked before its (stand-in) proof would be.
    hub[0]!.updates[0]!.batchRoot = `0x${'11'.repeat(32)}`;
    const tampered = await runCli([write(hub)]);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error PUBLIC_SIGNALS_MISMATCH: epoch 1: the stated data commitment \d+ is not \d+/),
    ]);
    const missing = await runCli(['/nonexistent/epochs.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: cannot read epochs file /)]);
    const unknown = await runCli([write([{ ...hub[0], shapeId: 3 }])]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: epochs\.json\[0\]: shape id 3 /),
    ]);
  });
});

describe('verifyProofChain and verify-chain with real Groth16 proofs of shape s4', () => {
  const s4Steps = steps(S4, 3);
  let proofs: { proof: Groth16Proof; publicSignals: string[] }[];
  let vkey: VerificationKey;
  let vkeyFile: string;

  beforeAll(async () => {
    const { s4 } = await ensureCircuits(['s4']);
    vkeyFile = s4!.vkey;
    vkey = JSON.parse(readFileSync(vkeyFile, 'utf8')) as VerificationKey;
    const prover = new Prover({ artifacts: s4!, poolSize: 2 });
    try {
      proofs = await Promise.all(s4Steps.map((s) => prover.prove(s.input)));
    } finally {
      await prover.close();
    }
  });

  afterAll(releaseSnarkjs);

  it('accepts the chain with snarkjs; a proof of another epoch is PROOF_INVALID', async () => {
    expect(proofs.map((p) => p.publicSignals)).toEqual(s4Steps.map((s) => publicSignalsList(s.publicSignals)));
    const chain = links(
      S4,
      s4Steps,
      proofs.map((p) => p.proof),
    );
    await expect(verifyProofChain(chain, { s4: vkey })).resolves.toMatchObject({ epochs: 3 });
    const swapped = chain.map((e) => ({ ...e }));
    swapped[1] = { ...swapped[1]!, proof: proofs[2]!.proof };
    const err = await rejection(verifyProofChain(swapped, { s4: vkey }));
    expect(err).toMatchObject({ code: 'PROOF_INVALID', epoch: 2n });
  });

  it("the CLI verifies the hub's epochs and links, one line each; a broken chain exits 1 naming the epoch", async () => {
    const hub = s4Steps.map((s, i) => hubEpoch(s, S4, proofs[i]!.proof, proofs[i]!.publicSignals));
    const ok = await runCli([write(hub), '--vkey', vkeyFile]);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^ok: 3 epoch\(s\) verified, epoch 1\.\.3, root \d+ -> \d+ \(s4 x3\)$/),
    ]);

    const linkFile = write(
      links(
        S4,
        s4Steps,
        proofs.map((p) => p.proof),
      ).map((e) => ({ ...e, shape: 's4' })),
    );
    const okLinks = await runCli([linkFile, '--vkey', `s4=${vkeyFile}`]);
    expect(okLinks.code).toBe(0);

    const broken = await runCli([write([hub[0], hub[2]])]);
    expect(broken.code).toBe(1);
    expect(broken.stderr.trim().split('\n')).toEqual([
      'error PROOF_CHAIN_BROKEN: epoch 3: follows epoch 1 (epochs must be consecutive)',
    ]);
  });
});
