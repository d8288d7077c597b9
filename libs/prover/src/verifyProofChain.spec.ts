// verifyProofChain and the `verify-chain` CLI over real proofs of the test instance.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { TEST_CHAIN_DEPTH, TEST_GROUP_SIZE, TEST_K, TEST_SHARED_DEPTH } from '@interop/protocol';

import { ProofChainError } from './errors';
import { Prover } from './prover';
import { repoRoot } from './repoRoot';
import { ensureTestCircuit } from './testing/ensureTestCircuit';
import { releaseSnarkjs } from './testing/releaseSnarkjs';
import { sampleSteps } from './testing/sampleSteps';
import type { VerificationKey } from './types';
import { type ProofChainEpoch, verifyProofChain } from './verifyProofChain';

jest.setTimeout(20 * 60_000);

let epochs: ProofChainEpoch[];
let vkey: VerificationKey;
let vkeyFile: string;

beforeAll(async () => {
  const artifacts = await ensureTestCircuit('test');
  vkeyFile = artifacts.vkey;
  vkey = JSON.parse(readFileSync(artifacts.vkey, 'utf8')) as VerificationKey;
  const steps = sampleSteps({
    chainDepth: TEST_CHAIN_DEPTH,
    sharedDepth: TEST_SHARED_DEPTH,
    k: TEST_K,
    groupSize: TEST_GROUP_SIZE,
    epochs: 3,
  });
  const prover = new Prover({ artifacts, poolSize: 2 });
  try {
    const proofs = await Promise.all(steps.map((s) => prover.prove(s.input)));
    epochs = steps.map((s, i) => ({ epoch: s.epoch, oldRoot: s.oldRoot, newRoot: s.newRoot, ...proofs[i]! }));
  } finally {
    await prover.close();
  }
});

afterAll(releaseSnarkjs);

async function rejection(p: Promise<unknown>): Promise<ProofChainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProofChainError) return err;
    throw err;
  }
  throw new Error('expected a ProofChainError');
}

describe('verifyProofChain', () => {
  it('accepts a linked chain of valid proofs', async () => {
    await expect(verifyProofChain(epochs, vkey)).resolves.toBeUndefined();
  });

  it('names the epoch whose proof is invalid', async () => {
    const bad = epochs.map((e) => ({ ...e }));
    bad[1] = { ...bad[1]!, proof: epochs[2]!.proof };
    const err = await rejection(verifyProofChain(bad, vkey));
    expect(err.code).toBe('PROOF_INVALID');
    expect(err.epoch).toBe(2n);
  });

  it('names the epoch that does not start where the previous one ended', async () => {
    // Epochs 1 and 3: both proofs are valid but 3 does not start at 1's new root.
    const gap = [epochs[0]!, { ...epochs[2]!, epoch: 2n }];
    const err = await rejection(verifyProofChain(gap, vkey));
    expect(err.code).toBe('PROOF_CHAIN_BROKEN');
    expect(err.epoch).toBe(2n);
    const skipped = await rejection(verifyProofChain([epochs[0]!, epochs[2]!], vkey));
    expect(skipped.epoch).toBe(3n);
  });

  it('names the epoch whose stated roots differ from its public signals', async () => {
    const bad = [epochs[0]!, { ...epochs[1]!, newRoot: epochs[1]!.newRoot + 1n }];
    const err = await rejection(verifyProofChain(bad, vkey));
    expect(err.code).toBe('PUBLIC_SIGNALS_MISMATCH');
    expect(err.epoch).toBe(2n);
  });
});

describe('cli verify-chain', () => {
  const run = (file: string) =>
    promisify(execFile)(
      path.join(repoRoot(), 'node_modules', '.bin', 'tsx'),
      [path.join(__dirname, 'cli.ts'), 'verify-chain', file, '--vkey', vkeyFile],
      { cwd: repoRoot() },
    ).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  const write = (data: unknown) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'chain-')), 'epochs.json');
    writeFileSync(
      file,
      JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    );
    return file;
  };

  it('exits 0 with one line for a valid chain, 1 with one error line naming the epoch otherwise', async () => {
    const ok = await run(write(epochs));
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split('\n')).toHaveLength(1);
    expect(ok.stdout).toContain('ok: 3 epoch(s) verified');

    const broken = await run(write([epochs[0], epochs[2]]));
    expect(broken.code).toBe(1);
    expect(broken.stderr.trim().split('\n')).toEqual([
      'error PROOF_CHAIN_BROKEN: epoch 3: follows epoch 1 (epochs must be consecutive)',
    ]);
  });

  it('exits 2 with one line for an unreadable file', async () => {
    const r = await run('/nonexistent/epochs.json');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
