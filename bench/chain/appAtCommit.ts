/**
 * The chain app's source at another commit, to run it next to the current one on the same machine state (bench/chain
 * `--app-commit`): `apps/chain/src` of that commit is exported to a scratch directory whose tsconfig resolves
 * `@interop/*` (and node_modules) through this checkout, so only the app differs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '../..');

/** Exports the app at `commit` (once per commit); returns its entry point and the environment tsx needs for it. */
export function appAtCommit(commit: string): { main: string; env: Record<string, string> } {
  const sha = execFileSync('git', ['rev-parse', '--short', commit], { cwd: REPO_ROOT }).toString().trim();
  const dir = join(tmpdir(), `bench-chain-app-${sha}`);
  const main = join(dir, 'apps/chain/src/main.ts');
  if (!existsSync(main)) {
    mkdirSync(dir, { recursive: true });
    const archive = execFileSync('git', ['archive', sha, 'apps/chain/src'], { cwd: REPO_ROOT, maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
  }
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  // tsx applies a tsconfig only to the files it includes: this one is the repo's, with the exported app and the
  // checkout's libs included and paths resolved from the checkout.
  const base = JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: Record<string, unknown>;
  };
  const tsconfig = {
    compilerOptions: { ...base.compilerOptions, baseUrl: REPO_ROOT, rootDir: '/', incremental: false },
    include: ['apps/**/*.ts', join(REPO_ROOT, 'libs/**/*.ts'), join(REPO_ROOT, 'prisma/**/*.ts')],
  };
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  return { main, env: { TSX_TSCONFIG_PATH: join(dir, 'tsconfig.json') } };
}
