import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, hostname, tmpdir } from 'node:os';
import path from 'node:path';

import { removeStaleTemps, withLock, writeAtomically, writeFileAtomically, zkCacheDir } from './zkCache';

const dir = mkdtempSync(path.join(tmpdir(), 'zkcache-'));

describe('zkCacheDir', () => {
  it('is ZK_CACHE_DIR, else $XDG_CACHE_HOME/interop-hub/zk, else ~/.cache/interop-hub/zk', () => {
    expect(zkCacheDir({ ZK_CACHE_DIR: '/x/zk', XDG_CACHE_HOME: '/y' })).toBe('/x/zk');
    expect(zkCacheDir({ XDG_CACHE_HOME: '/y' })).toBe('/y/interop-hub/zk');
    expect(zkCacheDir({})).toBe(path.join(homedir(), '.cache', 'interop-hub', 'zk'));
  });
});

describe('writeAtomically', () => {
  it('publishes the whole file or nothing: a failed writer leaves neither the file nor its temp', async () => {
    const file = path.join(dir, 'a.bin');
    await expect(
      writeAtomically(file, (tmp) => {
        writeFileSync(tmp, 'half');
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    expect(readdirSync(dir).filter((f) => f.startsWith('a.bin'))).toEqual([]);
    await writeFileAtomically(file, 'whole');
    expect(readFileSync(file, 'utf8')).toBe('whole');
    // A second write replaces it in one step.
    await writeFileAtomically(file, 'newer');
    expect(readFileSync(file, 'utf8')).toBe('newer');
  });

  it('publishes a directory of several files at once', async () => {
    const target = path.join(dir, 'compiled');
    await writeAtomically(target, (tmp) => {
      mkdirSync(tmp);
      writeFileSync(path.join(tmp, 'x'), '1');
      writeFileSync(path.join(tmp, 'y'), '2');
    });
    expect(readdirSync(target).sort()).toEqual(['x', 'y']);
  });

  it('removeStaleTemps drops old temp files of killed writers only', () => {
    const sub = path.join(dir, 'stale');
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'f.ptau.tmp-1-ab'), 'x');
    writeFileSync(path.join(sub, 'f.ptau'), 'x');
    removeStaleTemps(sub, -1);
    expect(readdirSync(sub)).toEqual(['f.ptau']);
  });
});

describe('withLock', () => {
  it('runs holders one at a time and lets a waiter find the result', async () => {
    const lock = path.join(dir, 'locks', 'x');
    const events: string[] = [];
    let waited = '';
    const made = path.join(dir, 'made');
    const build = (who: string) =>
      withLock(
        lock,
        async () => {
          events.push(`${who} in`);
          if (!existsSync(made)) {
            await new Promise((r) => setTimeout(r, 50));
            writeFileSync(made, who);
          }
          events.push(`${who} out`);
        },
        { pollMs: 10, onWait: (h) => (waited = h) },
      );
    await Promise.all([build('a'), build('b')]);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
    expect(readFileSync(made, 'utf8')).toBe('a');
    expect(waited).toMatch(/:\d+ since /);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock whose owner process is gone', async () => {
    const lock = path.join(dir, 'locks', 'dead');
    mkdirSync(lock, { recursive: true });
    // A pid that cannot be alive (above pid_max).
    writeFileSync(path.join(lock, 'owner'), JSON.stringify({ host: hostname(), pid: 2 ** 30, at: Date.now() }));
    await expect(withLock(lock, () => Promise.resolve('ran'), { pollMs: 10, deadlineMs: 2_000 })).resolves.toBe('ran');
  });
});
