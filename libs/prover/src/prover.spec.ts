// Proves real aggregation steps of the production shape s4 (built on demand by ensureCircuits).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { PRODUCTION_DEPTHS, PRODUCTION_SHAPES, publicSignalsList } from '@interop/protocol';

import type { CircuitArtifacts } from './circuitArtifacts';
import { ProverClosedError, ProverFailedError } from './errors';
import { Prover } from './prover';
import { repoRoot } from './repoRoot';
import { ensureCircuits } from './testing/ensureCircuits';
import { releaseSnarkjs } from './testing/releaseSnarkjs';
import { sampleSteps } from './testing/sampleSteps';
import type { VerificationKey } from './types';
import { verifyAggregationProof } from './verifyAggregationProof';

jest.setTimeout(20 * 60_000);

let artifacts: CircuitArtifacts;
let vkey: VerificationKey;
let prover: Prover;
const steps = sampleSteps({ ...PRODUCTION_DEPTHS, ...PRODUCTION_SHAPES.s4, epochs: 4 });

beforeAll(async () => {
  artifacts = (await ensureCircuits(['s4'])).s4!;
  vkey = JSON.parse(readFileSync(artifacts.vkey, 'utf8')) as VerificationKey;
  prover = new Prover({ artifacts, poolSize: 2 });
});

afterAll(async () => {
  await prover?.close();
  await releaseSnarkjs();
});

describe('Prover + verifyAggregationProof', () => {
  it('proves a step; the proof verifies with public signals [dataCommitment, challenge, evaluation]', async () => {
    const step = steps[0]!;
    const { proof, publicSignals } = await prover.prove(step.input);
    expect(publicSignals).toEqual(publicSignalsList(step.publicSignals));
    expect(await verifyAggregationProof(vkey, proof, publicSignals)).toBe(true);

    // Any public input changed: the proof no longer verifies, in TS ...
    for (let i = 0; i < 3; i++) {
      const tampered = [...publicSignals];
      tampered[i] = (BigInt(tampered[i]!) + 1n).toString();
      expect(await verifyAggregationProof(vkey, proof, tampered)).toBe(false);
    }
    // ... and in the snarkjs CLI.
    const dir = mkdtempSync(path.join(tmpdir(), 'proof-'));
    writeFileSync(path.join(dir, 'proof.json'), JSON.stringify(proof));
    writeFileSync(path.join(dir, 'public.json'), JSON.stringify(publicSignals));
    const tampered = [publicSignals[0], (BigInt(publicSignals[1]!) + 1n).toString(), publicSignals[2]];
    writeFileSync(path.join(dir, 'tampered.json'), JSON.stringify(tampered));
    const cli = (pub: string) =>
      promisify(execFile)(path.join(repoRoot(), 'node_modules', '.bin', 'snarkjs'), [
        'groth16',
        'verify',
        artifacts.vkey,
        path.join(dir, pub),
        path.join(dir, 'proof.json'),
      ]).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
      );
    const good = await cli('public.json');
    expect(good.out).toContain('OK!');
    expect(good.code).toBe(0);
    const bad = await cli('tampered.json');
    expect(bad.out).toContain('Invalid proof');
    expect(bad.code).not.toBe(0);
  });

  it('proves several steps in parallel without blocking the event loop', async () => {
    let ticks = 0;
    let maxGap = 0;
    let last = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 20);
    try {
      const results = await Promise.all(steps.map((s) => prover.prove(s.input)));
      results.forEach((r, i) => expect(r.publicSignals).toEqual(publicSignalsList(steps[i]!.publicSignals)));
      const checks = await Promise.all(results.map((r) => verifyAggregationProof(vkey, r.proof, r.publicSignals)));
      expect(checks).toEqual([true, true, true, true]);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(5);
    // Proving takes seconds; the main thread kept ticking (generous bound for a loaded 2-core machine).
    expect(maxGap).toBeLessThan(1_000);
  });

  it('rejects a witness the circuit does not accept with ProverFailedError, and keeps working', async () => {
    const bad = { ...steps[1]!.input, oldRoot: '1' };
    await expect(prover.prove(bad)).rejects.toBeInstanceOf(ProverFailedError);
    const ok = await prover.prove(steps[1]!.input);
    expect(await verifyAggregationProof(vkey, ok.proof, ok.publicSignals)).toBe(true);
  });

  it('rejects jobs after close with ProverClosedError', async () => {
    const p = new Prover({ artifacts, poolSize: 1 });
    const running = expect(p.prove(steps[2]!.input)).rejects.toBeInstanceOf(ProverClosedError);
    await p.close();
    await running;
    await expect(p.prove(steps[2]!.input)).rejects.toBeInstanceOf(ProverClosedError);
  });
});
