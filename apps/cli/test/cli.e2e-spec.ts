import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { DEVNET_KEYS, DevnetUser, startDevnet, type Devnet } from '@interop/devnet';
import { ANVIL_PRIVATE_KEYS } from '@interop/infra/testing/anvil';
import { requireKafkaBrokers } from '@interop/infra/testing/kafkaBrokers';
import type { Address, Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { errorLines, hasStackTrace, ROOT, runCli, type CliRun } from './runCli';

jest.setTimeout(600_000);

/**
 * Every `interop` command as a child process against a whole devnet (3 anvil nodes, Postgres, Kafka, hub, two chain
 * apps, bridge), configured only through the env file the devnet writes (like `.devnet/env` after `npm run devnet`).
 */
describe('interop CLI (e2e, devnet)', () => {
  let devnet: Devnet;
  let user: DevnetUser;
  let env: Record<string, string>;
  let dir: string;
  let token: Address;
  let bridgedId: Hex;
  const userKey = DEVNET_KEYS.users[0];

  const cli = (args: string[], extra: Record<string, string> = {}): Promise<CliRun> =>
    runCli(args, { ...env, ...extra });
  const ok = (run: CliRun): CliRun => {
    if (run.code !== 0) throw new Error(`exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
    return run;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'interop-cli-e2e-'));
    devnet = await startDevnet({ kafkaBrokers: requireKafkaBrokers(), logDir: path.join(dir, 'logs') });
    const envFile = path.join(dir, 'env');
    writeFileSync(envFile, devnet.envFile());
    env = { INTEROP_ENV_FILE: envFile, INTEROP_PRIVATE_KEY: userKey };
    user = new DevnetUser(devnet, userKey);
    token = await user.createToken(901n, 'CLI Token', 'CLI', 10n ** 24n);
  });

  afterAll(async () => {
    await devnet?.stop();
  });

  it('chains list: both devnet chains, active, with their slots', async () => {
    const run = ok(await cli(['chains', 'list']));
    expect(run.stdout).toMatch(/^901\s+alpha\s+active\s+0\s+0x/m);
    expect(run.stdout).toMatch(/^902\s+beta\s+active\s+1\s+0x/m);
    const json = JSON.parse(ok(await cli(['--json', 'chains', 'list'])).stdout) as Array<{ chainId: string }>;
    expect(json.map((c) => c.chainId)).toEqual(['901', '902']);
  });

  it('bridge: approve + vault call, progress while it waits, executed, tokens on chain 902', async () => {
    const run = ok(await cli(['bridge', token, '1.5', '--from', '901', '--to', '902', '--timeout', '150']));
    expect(run.stdout).toMatch(/^status\s+executed$/m);
    expect(run.stdout).toContain('route    901 -> 902');
    expect(run.stdout).toMatch(/amount\s+1,500,000,000,000,000,000/);
    expect(run.stderr).toContain('approve');
    expect(run.stderr).toMatch(/\.\.\. .* (batched|proven|relaying|executed)/);
    bridgedId = /^message\s+(0x[0-9a-f]{64})$/m.exec(run.stdout)![1] as Hex;
    const m = (await (await fetch(`${devnet.bridgeUrl}/messages/${bridgedId}`)).json()) as {
      status: string;
      assetId: Hex;
    };
    expect(m.status).toBe('executed');
    const bridged = await user.bridgedToken(902n, m.assetId);
    expect(await user.balanceOf(902n, bridged)).toBe(1_500_000_000_000_000_000n);
  });

  it('send: a cross-chain call to a contract on chain 902, followed until executed', async () => {
    const recorder = await user.deployRecorder(902n);
    const payload = DevnetUser.recordCall('0xc0ffee');
    const run = ok(
      await cli([
        '--json',
        'send',
        '--from',
        '901',
        '--to',
        '902',
        '--payload',
        payload,
        '--target',
        recorder,
        '--timeout',
        '150',
      ]),
    );
    const m = JSON.parse(run.stdout) as { status: string; kind: string; recipient: string; dstTxHash: string | null };
    expect(m).toMatchObject({ status: 'executed', kind: 'call', recipient: recorder.toLowerCase() });
    expect(m.dstTxHash).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it('status: the timeline of the bridged message', async () => {
    const run = ok(await cli(['status', bridgedId]));
    for (const step of ['sent', 'batched', 'proven', 'relaying', 'executed']) {
      expect(run.stdout).toMatch(new RegExp(`^  \\S+Z  ${step}\\b`, 'm'));
    }
    const unknown = await cli(['status', `0x${'00'.repeat(32)}`]);
    expect(unknown.code).toBe(1);
    expect(errorLines(unknown)).toEqual([expect.stringContaining('MESSAGE_NOT_FOUND')]);
  });

  it('proof export + verify offline; a tampered message or Groth16 proof is refused', async () => {
    const file = path.join(dir, 'proof.json');
    ok(await cli(['proof', 'export', bridgedId, '--out', file]));
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      shape: { name: string };
      inclusion: { message: { amount: string } };
      epoch: { proof: { pi_a: string[] }; updates: Array<{ batchRoot: string }> };
    };
    // Offline: no env file, no URLs, nothing but the file and the verification key of the epoch's shape.
    const verified = ok(
      await runCli(
        ['proof', 'verify', file, '--vkey', path.join(ROOT, `circuits/keys/${doc.shape.name}.vkey.json`)],
        {},
      ),
    );
    expect(verified.stdout).toMatch(new RegExp(`^ok: message ${bridgedId} \\(901 -> 902\\)`, 'm'));
    expect(verified.stdout).toContain('Groth16 proof');

    const tampered = (name: string, change: (d: typeof doc) => void): string => {
      const copy = JSON.parse(JSON.stringify(doc)) as typeof doc;
      change(copy);
      const p = path.join(dir, name);
      writeFileSync(p, JSON.stringify(copy));
      return p;
    };
    const badAmount = await runCli(
      ['proof', 'verify', tampered('amount.json', (d) => (d.inclusion.message.amount = '1'))],
      {},
    );
    expect(badAmount.code).toBe(1);
    expect(errorLines(badAmount)).toEqual([expect.stringContaining('proof does NOT verify')]);
    const badGroth = await runCli(
      [
        'proof',
        'verify',
        tampered('groth16.json', (d) => (d.epoch.proof.pi_a[0] = (BigInt(d.epoch.proof.pi_a[0]!) + 1n).toString())),
      ],
      {},
    );
    expect(badGroth.code).toBe(1);
    expect(errorLines(badGroth)).toEqual([expect.stringContaining('Groth16 proof does not verify')]);
    const badUpdates = await runCli(
      ['proof', 'verify', tampered('updates.json', (d) => (d.epoch.updates[0]!.batchRoot = `0x${'11'.repeat(32)}`))],
      {},
    );
    expect(badUpdates.code).toBe(1);
    expect(errorLines(badUpdates)).toHaveLength(1);
    for (const run of [badAmount, badGroth, badUpdates]) expect(hasStackTrace(run)).toBe(false);
  });

  it('the read endpoints the operator page uses: hub batches/epochs, bridge overview and hub proxy', async () => {
    const get = async (url: string) => {
      const res = await fetch(url);
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const batches = (await get(`${devnet.hubUrl}/batches/latest`)).body as Array<Record<string, unknown>>;
    expect(batches).toEqual(
      expect.arrayContaining([
        // bridge and send each sealed one batch on 901
        expect.objectContaining({ chainId: '901', batchNumber: '1', batchesTotal: 2, epoch: expect.any(String) }),
      ]),
    );
    const epochs = (await get(`${devnet.hubUrl}/epochs?limit=2`)).body as Array<Record<string, unknown>>;
    expect(epochs.length).toBeGreaterThan(0);
    expect(epochs.length).toBeLessThanOrEqual(2);
    expect(epochs[0]).toMatchObject({ status: 'settled', hasProof: true, l1TxHash: expect.stringMatching(/^0x/) });
    expect((await get(`${devnet.hubUrl}/epochs?limit=0`)).status).toBe(400);
    const overview = (await get(`${devnet.bridgeUrl}/operator/api/overview`)).body as {
      hubConfigured: boolean;
      chains: Array<Record<string, unknown>>;
    };
    expect(overview.hubConfigured).toBe(true);
    expect(overview.chains[0]).toMatchObject({ chainId: '901', name: 'alpha', status: 'active' });
    expect(overview.chains[0]!.blocksSinceLastBatch).toMatch(/^\d+$/);
    expect((await get(`${devnet.bridgeUrl}/operator/api/hub/epochs?limit=1`)).body).toHaveLength(1);
    const unknownEpoch = await get(`${devnet.bridgeUrl}/operator/api/hub/roots/99999`);
    expect(unknownEpoch).toMatchObject({ status: 404, body: { error: { code: 'EPOCH_UNKNOWN' } } });
  });

  it('fees report: fees, gas, net and the burn / staking / treasury split; reconciliation ok', async () => {
    const run = ok(await cli(['fees', 'report', '--from', '1h', '--reconcile']));
    expect(run.stdout).toContain('currency native:901');
    expect(run.stdout).toMatch(/^fees charged\s+[1-9][\d,]*$/m);
    for (const item of ['burn', 'staking rewards', 'treasury'])
      expect(run.stdout).toMatch(new RegExp(`^  ${item}\\s+[\\d,]+\\s+[\\d.]+%$`, 'm'));
    expect(run.stdout).toContain('reconciliation ok');
  });

  it('errors: one line on stderr, non-zero exit, no stack trace', async () => {
    const empty = path.join(dir, 'empty.env');
    writeFileSync(empty, '');
    const cases: Array<[string[], Record<string, string>, number, RegExp]> = [
      [['fees', 'report'], { INTEROP_ENV_FILE: empty }, 2, /needs the admin token/],
      [
        ['bridge', token, '10', '--from', '901', '--to', '902'],
        { INTEROP_PRIVATE_KEY: '' },
        2,
        /--key or set INTEROP_PRIVATE_KEY/,
      ],
      [
        ['bridge', token, '10', '--from', '901', '--to', '999', '--no-wait'],
        {},
        2,
        /destination chain 999 is not configured/,
      ],
      [['bridge', token, '1', '--from', '901', '--to', '902', '--key', ANVIL_PRIVATE_KEYS[9]], {}, 1, /holds 0 of/],
      [['bridge', '0x12', '1', '--from', '901', '--to', '902'], {}, 2, /invalid for argument 'asset'/],
      [
        ['--bridge-url', 'http://127.0.0.1:1', 'status', bridgedId],
        {},
        1,
        /cannot reach the bridge at http:\/\/127\.0\.0\.1:1/,
      ],
      [['fees', 'report', '--admin-token', 'wrong-token-wrong-token'], {}, 1, /UNAUTHORIZED|401/],
      [['proof', 'verify', path.join(dir, 'missing.json')], {}, 2, /cannot read .*missing\.json: ENOENT/],
      [['proof', 'export', `0x${'00'.repeat(32)}`], {}, 1, /MESSAGE_NOT_FOUND/],
    ];
    for (const [args, extra, code, message] of cases) {
      const run = await cli(args, extra);
      expect({ args, code: run.code }).toEqual({ args, code });
      expect(errorLines(run)).toEqual([expect.stringMatching(message)]);
      expect(hasStackTrace(run)).toBe(false);
    }
  });

  it('chains register (operator-signed) with --approve, then pause and resume (admin); last: it changes the network', async () => {
    const operatorKey = ANVIL_PRIVATE_KEYS[8];
    const run = ok(
      await cli(['chains', 'register', '--chain-id', '903', '--name', 'gamma', '--key', operatorKey, '--approve']),
    );
    expect(run.stdout).toMatch(/^903\s+gamma\s+active\s+2\s+/m);
    expect(run.stdout.toLowerCase()).toContain(privateKeyToAccount(operatorKey).address.toLowerCase());
    expect(run.stderr).toContain('approving chain 903');
    expect(ok(await cli(['chains', 'pause', '903'])).stdout).toMatch(/^903\s+gamma\s+paused/m);
    expect(ok(await cli(['chains', 'resume', '903'])).stdout).toMatch(/^903\s+gamma\s+active/m);
    // A second registration of the same chain is the hub's CHAIN_DUPLICATE: one line, exit 1.
    const dup = await cli(['chains', 'register', '--chain-id', '903', '--name', 'gamma', '--key', operatorKey]);
    expect(dup.code).toBe(1);
    expect(errorLines(dup)).toEqual([expect.stringContaining('CHAIN_DUPLICATE')]);
  });
});
