import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from '@interop/prover/repoRoot';

export type AppMode = 'tsx' | 'dist';

export type AppSpec = {
  /** Process name: log file `<logDir>/<name>.log`, key in `Devnet.apps`. */
  name: string;
  /** App directory under apps/ (hub, chain, bridge, prover). */
  app: string;
  /** The whole environment of the process besides PATH and HOME: the app reads its config from it. */
  env: Record<string, string>;
  /** `GET` this URL answers 200 once the app is ready; omitted = ready once spawned (the prover has no HTTP). */
  healthUrl?: string;
};

/**
 * One app of the devnet running as its own OS process (`node --import tsx apps/<app>/src/main.ts`, or the
 * `nest build` output), so tests and the chaos harness can SIGKILL it like a crashed container and start it again
 * with the same environment. stdout and stderr are appended to `<logDir>/<name>.log` across restarts.
 */
export class AppProcess {
  private child: ChildProcess | undefined;
  private exitPromise: Promise<void> = Promise.resolve();
  /** How many times the process was started. */
  starts = 0;
  readonly logFile: string;

  constructor(
    readonly spec: AppSpec,
    private readonly options: { mode: AppMode; logDir: string },
  ) {
    mkdirSync(options.logDir, { recursive: true });
    this.logFile = join(options.logDir, `${spec.name}.log`);
  }

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the process (it must not be running). Use `waitHealthy` to wait until it serves. */
  start(): void {
    if (this.running) throw new Error(`${this.name} is already running (pid ${this.child?.pid})`);
    const root = repoRoot();
    const args =
      this.options.mode === 'tsx'
        ? ['--import', 'tsx', join('apps', this.spec.app, 'src', 'main.ts')]
        : [join('dist', 'apps', this.spec.app, 'src', 'main.js')];
    const fd = openSync(this.logFile, 'a');
    try {
      const child = spawn(process.execPath, args, {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.spec.env },
        stdio: ['ignore', fd, fd],
      });
      this.child = child;
      this.exitPromise = new Promise((done) => child.once('exit', () => done()));
      this.starts += 1;
    } finally {
      closeSync(fd);
    }
  }

  /** Polls the health URL until it answers 200; throws with the log tail if the process dies or the deadline passes. */
  async waitHealthy(timeoutMs = 90_000): Promise<void> {
    const url = this.spec.healthUrl;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited before it was healthy:\n${this.tail()}`);
      if (!url) return;
      const status = await fetch(url, { signal: AbortSignal.timeout(2_000) })
        .then((r) => r.status)
        .catch(() => 0);
      if (status === 200) return;
      if (Date.now() > deadline) {
        throw new Error(`${this.name} not healthy after ${timeoutMs} ms (last status ${status}):\n${this.tail()}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Sends `signal` (default SIGKILL: no shutdown hook runs) and waits until the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.child?.kill(signal);
    await this.exitPromise;
  }

  /** Graceful stop: SIGTERM, then SIGKILL if the app is still there after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child?.kill('SIGTERM');
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    if ((await Promise.race([this.exitPromise.then(() => 'exited' as const), timer])) === 'timeout') {
      await this.kill('SIGKILL');
    }
  }

  /** Starts the app again with the same environment and waits until it is healthy. */
  async restart(timeoutMs?: number): Promise<void> {
    await this.kill('SIGKILL');
    this.start();
    await this.waitHealthy(timeoutMs);
  }

  /** The last `bytes` of the log (for failure messages). */
  tail(bytes = 6_000): string {
    try {
      return readFileSync(this.logFile, 'utf8').slice(-bytes);
    } catch {
      return '(no log)';
    }
  }
}
