import { randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, hostname } from 'node:os';
import path from 'node:path';

/**
 * The per-machine cache of trusted-setup artifacts (prepared powers of tau, zkeys, compiled circuits), shared by
 * every clone, CI run and devnet on the machine: `ZK_CACHE_DIR` if set, else `$XDG_CACHE_HOME/interop-hub/zk`, else
 * `~/.cache/interop-hub/zk`.
 *
 * @example
 * zkCacheDir({}); // '/root/.cache/interop-hub/zk'
 */
export function zkCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ZK_CACHE_DIR) return path.resolve(env.ZK_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(homedir(), '.cache');
  return path.join(base, 'interop-hub', 'zk');
}

/** A temp name beside `file` (same directory, so the rename that publishes it is atomic). */
export function tempPathFor(file: string): string {
  return `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Makes `file` by `produce(tmp)` atomically: `produce` writes a temp file beside it, which is fsynced and renamed
 * over `file` only once complete, so a killed build never leaves a half file that a later run would trust. On
 * failure the temp file is removed.
 */
export async function writeAtomically(file: string, produce: (tmp: string) => Promise<void> | void): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  try {
    await produce(tmp);
    // A directory (several files published together) is renamed as it is; a file is flushed to disk first.
    if (!statSync(tmp).isDirectory()) {
      const fd = openSync(tmp, 'r+');
      fsyncSync(fd);
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true, recursive: true });
    throw e;
  }
}

/** Writes `data` to `file` atomically. */
export function writeFileAtomically(file: string, data: string | Uint8Array): Promise<void> {
  return writeAtomically(file, (tmp) => writeFileSync(tmp, data));
}

/** Copies `from` to `to` atomically (a reader of `to` sees the old file or the whole new one). */
export function copyFileAtomically(from: string, to: string): Promise<void> {
  return writeAtomically(to, (tmp) => copyFileSync(from, tmp));
}

/** Removes temp files of killed writers (older than `olderThanMs`) from `dir`. */
export function removeStaleTemps(dir: string, olderThanMs = 60 * 60_000): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    if (!/\.tmp-/.test(f)) continue;
    const p = path.join(dir, f);
    try {
      if (Date.now() - statSync(p).mtimeMs > olderThanMs) rmSync(p, { force: true, recursive: true });
    } catch {
      // raced with its owner
    }
  }
}

export type LockOptions = {
  /** Give up waiting for another holder after this long (default 60 min). */
  deadlineMs?: number;
  /** Poll interval while waiting (default 500 ms). */
  pollMs?: number;
  /** Called once when the lock is held by someone else (to say who is building). */
  onWait?: (holder: string) => void;
};

/**
 * Runs `fn` holding the lock `lockDir` (an exclusive `mkdir`, with an `owner` file naming host, pid and start), so
 * two builds on one machine (two clones, jest workers, a devnet and a test run) never make the same artifact at
 * once: the second waits, polling, then usually finds the artifact made. A lock whose owner process is gone (same
 * host) or that is older than the deadline is taken over.
 */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.deadlineMs ?? 60 * 60_000);
  mkdirSync(path.dirname(lockDir), { recursive: true });
  let told = false;
  for (;;) {
    if (tryLock(lockDir)) break;
    const owner = readOwner(lockDir);
    if (owner && isStale(owner, options.deadlineMs ?? 60 * 60_000)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!told) {
      options.onWait?.(owner ? `${owner.host}:${owner.pid} since ${new Date(owner.at).toISOString()}` : 'unknown');
      told = true;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lockDir}`);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

type Owner = { host: string; pid: number; at: number };

function tryLock(dir: string): boolean {
  try {
    mkdirSync(dir);
  } catch {
    return false;
  }
  const owner: Owner = { host: hostname(), pid: process.pid, at: Date.now() };
  writeFileSync(path.join(dir, 'owner'), JSON.stringify(owner));
  return true;
}

function readOwner(dir: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'owner'), 'utf8')) as Owner;
  } catch {
    // Just created, owner not written yet (or a lock of an older format): judge it by its age.
    try {
      return { host: '?', pid: -1, at: statSync(dir).mtimeMs };
    } catch {
      return undefined;
    }
  }
}

function isStale(owner: Owner, maxAgeMs: number): boolean {
  if (Date.now() - owner.at > maxAgeMs) return true;
  if (owner.host !== hostname() || owner.pid <= 0) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
