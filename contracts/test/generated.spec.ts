import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { compileContracts } from '../tooling/compileContracts';
import { generatedDir, renderGenerated } from '../tooling/renderGenerated';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');

// libs/contracts/src/generated must be exactly what `node scripts/build-contracts.mjs` produces from contracts/src now.
describe('libs/contracts/src/generated', () => {
  const files = renderGenerated(compileContracts({ root: ROOT }), ROOT);

  it.each([...files.keys()].map((f) => [basename(f), f]))('%s is up to date', (_name, path) => {
    expect(existsSync(path)).toBe(true);
    // compare as a boolean first so a stale 100 kB file does not flood the report
    const same = readFileSync(path, 'utf8') === files.get(path);
    if (!same) throw new Error(`${path} is stale: run node scripts/build-contracts.mjs`);
    expect(same).toBe(true);
  });

  it('holds no orphan from a removed contract', () => {
    const wanted = new Set([...files.keys()].map((f) => basename(f)));
    expect(readdirSync(generatedDir(ROOT)).filter((f) => !wanted.has(f))).toEqual([]);
  });
});
