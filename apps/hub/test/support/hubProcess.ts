import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

import type { HubConfig } from '../../src/config/hubConfig';

const REPO_ROOT = resolve(__dirname, '../../../..');

/** A hub app running as its own OS process (so a test can SIGKILL it like a crashed container). */
export type HubProcess = {
  child: ChildProcess;
  /** stderr + stdout seen so far (the tail, for failure messages). */
  output: () => string;
  /** Resolves once the process has exited. */
  exited: Promise<number | null>;
};

/** The environment variables that give `config` back when the hub parses them (what an operator would set). */
export function hubEnvironment(config: HubConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(config)) {
    if (value === undefined) continue;
    env[name] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return env;
}

/**
 * Starts `apps/hub/src/main.ts` with tsx in a child process with exactly `env` (plus PATH/HOME): the hub reads its
 * config from the environment the way production does.
 */
export function spawnHubApp(env: Record<string, string>): HubProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/hub/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
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

/** SIGKILLs the process (no shutdown hook runs, nothing is flushed) and waits until it is gone. */
export async function killHubApp(app: HubProcess): Promise<void> {
  if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
  await app.exited;
}

/** Polls `GET /health` until it answers 200, or throws with the process output at the deadline. */
export async function waitHubHealthy(app: HubProcess, port: number, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (app.child.exitCode !== null) {
      throw new Error(`hub exited with ${app.child.exitCode} before it was healthy:\n${app.output()}`);
    }
    const status = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) return;
    if (Date.now() > deadline) {
      throw new Error(`hub not healthy after ${timeoutMs} ms (last status ${status}):\n${app.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
