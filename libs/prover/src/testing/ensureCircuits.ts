import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

import { type CircuitArtifacts, circuitArtifacts, loadShapes } from '../circuitArtifacts';
import { repoRoot } from '../repoRoot';
import { withLock } from '../setup/zkCache';

const BUILD_DEADLINE_MS = 60 * 60_000;

/**
 * Test and tooling helper: the artifacts of the given epoch shapes (default: every shape in circuits/shapes),
 * running `scripts/build-circuits.ts` first when one is missing or older than the circuit sources. The build prints
 * its progress and an estimate; its per-machine cache makes a rebuild take seconds. Several processes calling it at
 * once (jest files, a devnet) build only once: the first takes a lock, the others wait for it and find the result.
 *
 * @example
 * const { s4, l32 } = await ensureCircuits();
 */
export async function ensureCircuits(names?: readonly string[]): Promise<Record<string, CircuitArtifacts>> {
  const root = repoRoot();
  const wanted = names ?? loadShapes(root).map((s) => s.name);
  const stale = (): string[] => wanted.filter((n) => !fresh(root, n));
  if (stale().length > 0) {
    await withLock(
      path.join(root, 'circuits', 'build', '.build.lock'),
      async () => {
        const todo = stale();
        if (todo.length === 0) return;
        process.stderr.write(`[ensureCircuits] building ${todo.join(', ')} (scripts/build-circuits.ts)\n`);
        await runBuild(root, todo);
      },
      {
        deadlineMs: BUILD_DEADLINE_MS,
        onWait: (holder) => process.stderr.write(`[ensureCircuits] waiting for the circuit build of ${holder}\n`),
      },
    );
  }
  return Object.fromEntries(wanted.map((n) => [n, circuitArtifacts(n, { root })]));
}

/** The shape's artifacts exist and were built after every circuit source and its shape file last changed. */
function fresh(root: string, name: string): boolean {
  const a = circuitArtifacts(name, { root, allowMissing: true });
  const stamp = path.join(root, 'circuits', 'build', name, 'build.json');
  if (![a.wasm, a.zkey, a.r1cs, a.vkey, stamp].every((p) => existsSync(p))) return false;
  const built = statSync(stamp).mtimeMs;
  const src = path.join(root, 'circuits', 'src');
  const sources = [
    ...readdirSync(src).map((f) => path.join(src, f)),
    path.join(root, 'circuits', 'shapes', `${name}.json`),
  ];
  return sources.every((f) => statSync(f).mtimeMs <= built);
}

function runBuild(root: string, shapes: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [
      '--import',
      'tsx',
      path.join(root, 'scripts', 'build-circuits.ts'),
      ...shapes.flatMap((s) => ['--shape', s]),
    ];
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`scripts/build-circuits.ts ${shapes.join(' ')} exited with ${code}`)),
    );
  });
}
