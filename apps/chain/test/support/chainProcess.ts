import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '../../../..');

/** A chain app running as its own OS process (so a test can SIGKILL it like a crashed container). */
export type ChainProcess = {
  child: ChildProcess;
  /** stderr + stdout seen so far (for failure messages). */
  output: () => string;
  /** Resolves once the process has exited. */
  exited: Promise<number | null>;
};

/**
 * Starts `apps/chain/src/main.ts` with tsx in a child process with exactly `env` (plus PATH/HOME). The app reads its
 * config from the environment the way production does. `nodeArgs` go before the script (e.g. `--cpu-prof`); `main`
 * is the entry point (another copy of the app, e.g. an older one a benchmark compares with).
 */
export function spawnChainApp(
  env: Record<string, string>,
  nodeArgs: string[] = [],
  main = 'apps/chain/src/main.ts',
): ChainProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', main], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Keep only the tail: the app logs every poll at debug; a failure message needs the last lines.
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done(child.exitCode);
    else child.once('exit', (code) => done(code));
  });
  return { child, output: () => output, exited };
}

/** SIGKILLs the process (no shutdown hooks run) and waits until it is gone. */
export async function killChainApp(app: ChainProcess): Promise<void> {
  if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
  await app.exited;
}

/** Polls `GET /health` until it answers 200, or throws with the process output at the deadline. */
export async function waitHealthy(app: ChainProcess, port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (app.child.exitCode !== null) {
      throw new Error(`chain app exited with ${app.child.exitCode} before it was healthy:\n${app.output()}`);
    }
    const status = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) return;
    if (Date.now() > deadline) {
      throw new Error(`chain app not healthy after ${timeoutMs} ms (last status ${status}):\n${app.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
