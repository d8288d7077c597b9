import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { circuitArtifacts } from './circuitArtifacts';
import { CircuitArtifactsMissingError } from './errors';

describe('circuitArtifacts', () => {
  it('names the missing files and the build command', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'artifacts-'));
    let caught: unknown;
    try {
      circuitArtifacts('prod', { root });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CircuitArtifactsMissingError);
    const e = caught as CircuitArtifactsMissingError;
    expect(e.code).toBe('CIRCUIT_ARTIFACTS_MISSING');
    expect(e.message).toContain('circuits/build/prod/aggregation_prod.zkey');
    expect(e.message).toContain('node scripts/build-circuits.mjs --instance prod');
  });

  it('computes the paths without checking when allowMissing', () => {
    const a = circuitArtifacts('test', { root: '/repo', allowMissing: true });
    expect(a.wasm).toBe('/repo/circuits/build/test/aggregation_test_js/aggregation_test.wasm');
    expect(a.vkey).toBe('/repo/circuits/keys/test.vkey.json');
  });
});
