/**
 * The README's first command, `npm run devnet` (scripts/devnet.sh), run twice the way a new user would, with
 * DEVNET_EXIT_AFTER_DEMO=1 so that it ends after the demo: it must get from nothing to a bridged balance on chain B,
 * print it, leave no process behind, and work again on a second run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { requireKafkaBrokers } from '@interop/infra/testing/kafkaBrokers';

jest.setTimeout(600_000);

const ROOT = join(__dirname, '..', '..');

function runDevnet(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['scripts/devnet.sh'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), 280_000);
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, out });
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm run devnet (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'devnet-e2e-'));
  const db = `devnet_e2e_${process.pid}`;
  afterAll(async () => {
    await new Promise((done) => {
      spawn('bash', ['scripts/infra/postgres.sh', 'dropdb', db], { cwd: ROOT, stdio: 'ignore' }).once('exit', done);
    });
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([1, 2])('run %i: bridges tokens, calls a contract, prints timelines, epochs, balances and fees', async () => {
    const { code, out } = await runDevnet({
      KAFKA_BROKERS: requireKafkaBrokers(),
      DEVNET_PORTS: 'free',
      DEVNET_EXIT_AFTER_DEMO: '1',
      DEVNET_DIR: dir,
      DEVNET_DB_NAME: db,
    });
    if (code !== 0) throw new Error(`devnet exited with ${code}:\n${out.slice(-6_000)}`);
    expect(out).toMatch(/chain 901 \(alpha\) registered and approved/);
    expect(out).toMatch(/bridge out timeline: sent \+0ms -> batched .* -> executed/);
    expect(out).toMatch(/call timeline: sent \+0ms -> .* -> executed/);
    expect(out).toMatch(
      /epoch 1 settled on L1: root 0x[0-9a-f]{16}\.\.\., \d+ batch\(es\), shape (s2|s4|l32) \(\d+x\d+\), tx 0x[0-9a-f]{64}, gas \d+/,
    );
    expect(out).toMatch(/9400 ALPHA on 901, 600 bridged ALPHA \(0x[0-9a-fA-F]{40}\) on 902/);
    expect(out).toMatch(/native:901: charged \d+ = relayer gas recovery \d+ \+ net \d+; net = burn \d+ \+ staking \d+/);
    expect(out).toMatch(/reconciliation: clean/);
    expect(out).toMatch(/operator page +http:\/\/127\.0\.0\.1:\d+\/operator/);
    // The CLI's env file, and nothing left running.
    expect(readFileSync(join(dir, 'env'), 'utf8')).toMatch(/^HUB_URL=http:\/\/127\.0\.0\.1:\d+$/m);
    expect(existsSync(join(dir, 'pids'))).toBe(true);
    const pids = readFileSync(join(dir, 'pids'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => Number(l.split(' ')[0]));
    expect(pids.length).toBeGreaterThanOrEqual(7);
    expect(pids.filter(alive)).toEqual([]);
  });
});
