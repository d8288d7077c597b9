#!/usr/bin/env node
// Compiles contracts/src with solc-js and writes the typed ABIs + bytecode to libs/contracts/src/generated.
//   node scripts/build-contracts.mjs          write the files
//   node scripts/build-contracts.mjs --check  exit 1 if the committed files differ from a fresh compile
// The logic lives in contracts/tooling/*.ts (shared with the tests); tsx loads it.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const check = process.argv.includes('--check');
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const { compileContracts } = await tsImport('../contracts/tooling/compileContracts.ts', import.meta.url);
const { renderGenerated, generatedDir } = await tsImport('../contracts/tooling/renderGenerated.ts', import.meta.url);

const started = Date.now();
const result = compileContracts({ root: REPO_ROOT });
const files = renderGenerated(result, REPO_ROOT);
const GENERATED_DIR = generatedDir(REPO_ROOT);
const existing = existsSync(GENERATED_DIR) ? readdirSync(GENERATED_DIR).filter((f) => f.endsWith('.ts')) : [];
const wanted = new Set([...files.keys()].map((f) => basename(f)));

if (check) {
  const stale = [];
  for (const [path, content] of files) {
    if (!existsSync(path) || readFileSync(path, 'utf8') !== content) stale.push(relative(REPO_ROOT, path));
  }
  for (const f of existing) if (!wanted.has(f)) stale.push(`${relative(REPO_ROOT, join(GENERATED_DIR, f))} (orphan)`);
  if (stale.length > 0) {
    console.error(
      `contracts: generated files are stale, run \`node scripts/build-contracts.mjs\`:\n  ${stale.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(`contracts: ${files.size} generated files up to date (${Date.now() - started} ms)`);
} else {
  mkdirSync(GENERATED_DIR, { recursive: true });
  for (const f of existing) if (!wanted.has(f)) rmSync(join(GENERATED_DIR, f));
  for (const [path, content] of files) writeFileSync(path, content);
  for (const c of result.contracts)
    console.log(`  ${c.name.padEnd(28)} ${String(c.deployedSize).padStart(6)} bytes  ${c.source}`);
  console.log(
    `contracts: wrote ${files.size} files to ${relative(REPO_ROOT, GENERATED_DIR)} (${Date.now() - started} ms)`,
  );
}
