/**
 * Writes the test vectors (JSON, formatted with the repo's prettier config) next to this file.
 * Run: `npx tsx libs/protocol/test-vectors/generate.ts`; with `--check` it exits 1 if a committed file differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { buildVectors } from './buildVectors';

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const files = await buildVectors();
  const options = (await resolveConfig(join(__dirname, 'poseidon.json'))) ?? {};
  let stale = 0;
  for (const [name, json] of Object.entries(files)) {
    const path = join(__dirname, name);
    const text = await format(JSON.stringify(json), { ...options, parser: 'json' });
    if (check) {
      let current: string;
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        current = '';
      }
      if (current !== text) {
        stale++;
        process.stderr.write(`stale: ${name}\n`);
      }
    } else {
      writeFileSync(path, text);
      process.stdout.write(`wrote ${name} (${text.length} bytes)\n`);
    }
  }
  if (stale > 0) process.exit(1);
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
