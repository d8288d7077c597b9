#!/usr/bin/env node
// `interop` from any directory, on a fresh clone, without a build: runs apps/cli/src/main.ts with tsx and the
// repository's tsconfig (path aliases). `npm link` (or npm's bin of this package) puts it on the PATH.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const result = spawnSync(
  tsx,
  [
    '--tsconfig',
    path.join(root, 'tsconfig.json'),
    path.join(root, 'apps', 'cli', 'src', 'main.ts'),
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
if (result.error) {
  process.stderr.write(`error: cannot start tsx (${result.error.message}): run npm install in ${root}\n`);
  process.exit(1);
}
process.exit(result.status === null ? 1 : result.status);
