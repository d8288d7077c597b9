import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';

import { type CircuitArtifacts, circuitArtifacts } from '../circuitArtifacts';
import { repoRoot } from '../repoRoot';
import type { CircuitInstance } from '../types';

const BUILD_DEADLINE_MS = 20 * 60_000;
const POLL_MS = 500;

/**
 * Test helper: returns the artifacts of a circuit instance (default `test`), running
 * `node scripts/build-circuits.mjs --instance <instance>` first if any artifact is missing. The build prints its
 * progress; its caches (.cache/zk) make a rebuild take seconds. Several jest workers calling it at once build
 * only once: the first takes a directory lock, the others poll for the artifacts with a deadline.
 */
export async function ensureTestCircuit(instance: CircuitInstance = 'test'): Promise<CircuitArtifacts> {
  const root = repoRoot();
  const paths = circuitArtifacts(instance, { root, allowMissing: true });
  const ready = () => [paths.wasm, paths.zkey, paths.r1cs, paths.vkey].every((p) => existsSync(p));
  if (ready()) return paths;

  const lock = path.join(root, 'circuits', 'build', `.${instance}.lock`);
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + BUILD_DEADLINE_MS;
  for (;;) {
    if (tryLock(lock)) break;
    // Someone else builds; a lock older than the deadline is a leftover of a killed build.
    if (Date.now() - statSafe(lock) > BUILD_DEADLINE_MS) rmdirSafe(lock);
    if (ready()) return paths;
    if (Date.now() > deadline) throw new Error(`timed out waiting for another build of the ${instance} circuit`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  try {
    if (ready()) return paths;
    process.stderr.write(`[ensureTestCircuit] artifacts of "${instance}" missing: running the circuit build\n`);
    await runBuild(root, instance);
    return circuitArtifacts(instance, { root });
  } finally {
    rmdirSafe(lock);
  }
}

function runBuild(root: string, instance: CircuitInstance): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'build-circuits.mjs'), '--instance', instance], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`scripts/build-circuits.mjs --instance ${instance} exited with ${code}`)),
    );
  });
}

function tryLock(dir: string): boolean {
  try {
    mkdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

function statSafe(dir: string): number {
  try {
    return statSync(dir).mtimeMs;
  } catch {
    return Date.now();
  }
}

function rmdirSafe(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // already gone
  }
}
