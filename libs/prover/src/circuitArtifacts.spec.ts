import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { PRODUCTION_DEPTHS, PRODUCTION_SHAPES } from '@interop/protocol';

import { circuitArtifacts, loadShapes, shapeOfId } from './circuitArtifacts';
import { CircuitArtifactsMissingError, CircuitShapeError } from './errors';

describe('circuitArtifacts', () => {
  it('names the missing files and the build command', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'artifacts-'));
    let caught: unknown;
    try {
      circuitArtifacts('l32', { root });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CircuitArtifactsMissingError);
    const e = caught as CircuitArtifactsMissingError;
    expect(e.code).toBe('CIRCUIT_ARTIFACTS_MISSING');
    expect(e.message).toContain('circuits/build/l32/aggregation_l32.zkey');
    expect(e.details).toContain('npm run build:circuits -- --shape l32');
  });

  it('computes the paths without checking when allowMissing, and refuses a non-name', () => {
    const a = circuitArtifacts('s4', { root: '/repo', allowMissing: true });
    expect(a.wasm).toBe('/repo/circuits/build/s4/aggregation_s4_js/aggregation_s4.wasm');
    expect(a.vkey).toBe('/repo/circuits/keys/s4.vkey.json');
    expect(() => circuitArtifacts('../etc', { allowMissing: true })).toThrow(CircuitShapeError);
  });
});

describe('loadShapes', () => {
  it('reads the committed shapes, which are libs/protocol PRODUCTION_SHAPES at the production depths', () => {
    const shapes = loadShapes();
    expect(shapes.map((s) => s.name)).toEqual(['s2', 's4', 'l32']);
    for (const s of shapes) {
      const p = PRODUCTION_SHAPES[s.name as keyof typeof PRODUCTION_SHAPES];
      expect({ k: s.k, groupSize: s.groupSize }).toEqual(p);
      expect([s.chainDepth, s.sharedDepth]).toEqual([PRODUCTION_DEPTHS.chainDepth, PRODUCTION_DEPTHS.sharedDepth]);
    }
  });

  it('refuses a malformed shape file naming the file and the field', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'shapes-'));
    mkdirSync(path.join(root, 'circuits', 'shapes'), { recursive: true });
    const write = (f: string, v: unknown) => writeFileSync(path.join(root, 'circuits', 'shapes', f), JSON.stringify(v));
    write('x.json', { name: 'x', groups: 2, groupSize: 3, chainDepth: 20, sharedDepth: 10 });
    expect(() => loadShapes(root)).toThrow(/x\.json: groupSize: must be a power of two/);
    write('x.json', { name: 'y', groups: 2, groupSize: 2, chainDepth: 20, sharedDepth: 10 });
    expect(() => loadShapes(root)).toThrow(/must match the file name/);
  });
});

describe('shapeOfId', () => {
  it('names a shape by its L1 id (groups * 2^16 + groupSize), and nothing for an id no shape has', () => {
    expect(shapeOfId(65536 + 2)?.name).toBe('s2');
    expect(shapeOfId(2 * 65536 + 2)?.name).toBe('s4');
    expect(shapeOfId(2 * 65536 + 16)?.name).toBe('l32');
    expect(shapeOfId(3 * 65536 + 8)).toBeUndefined();
    expect(shapeOfId(2 * 65536 + 2, [])).toBeUndefined();
  });
});
