import { spawn } from 'node:child_process';
import path from 'node:path';

/** The repository root (apps/cli/test -> ../../..). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');

export type CliRun = { code: number; stdout: string; stderr: string };

/**
 * Runs `interop <args>` as a child process, the way a user does (tsx on the sources, no build), with `env` on top of
 * a clean environment (no stray HUB_URL, ADMIN_TOKEN... from the test runner).
 */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 240_000): Promise<CliRun> {
  const base: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'NODE_OPTIONS']) {
    const v = process.env[k];
    if (v !== undefined) base[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(ROOT, 'apps/cli/src/main.ts'), ...args],
      {
        cwd: ROOT,
        env: { ...base, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`interop ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** The error lines of a failed run: exactly one `error: ...` line and no stack trace. */
export function errorLines(run: CliRun): string[] {
  return run.stderr.split('\n').filter((l) => l.startsWith('error:'));
}

export function hasStackTrace(run: CliRun): boolean {
  return /^\s+at .+\(.+:\d+:\d+\)$/m.test(run.stderr) || /^\s+at .+:\d+:\d+$/m.test(run.stderr);
}
