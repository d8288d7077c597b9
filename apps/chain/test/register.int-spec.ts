import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { interopHubDomain, recoverChainRegistrationSigner } from '@interop/protocol';
import type { Address, Hex } from 'viem';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'apps', 'chain', 'src', 'cli', 'register.ts');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const OPERATOR = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const HUB = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(TSX, [CLI, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const r = e as { code: number; stdout: string; stderr: string };
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  }
}

jest.setTimeout(60_000);

describe('register CLI (tsx)', () => {
  it('--print prints the signed registration JSON', async () => {
    const r = await cli(['--chain-id', '901', '--name', 'alpha', '--l1-hub-address', HUB, '--print'], {
      OPERATOR_PRIVATE_KEY: KEY,
    });
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as { chainId: string; name: string; operator: Address; signature: Hex };
    expect(body).toMatchObject({ chainId: '901', name: 'alpha', operator: OPERATOR });
    const signer = await recoverChainRegistrationSigner(
      interopHubDomain(900n, HUB),
      { chainId: 901n, name: 'alpha', operator: OPERATOR },
      body.signature,
    );
    expect(signer).toBe(OPERATOR);
  });

  it('fails with one clear line and a non-zero exit', async () => {
    const missingKey = await cli(['--chain-id', '901', '--name', 'alpha', '--l1-hub-address', HUB, '--print']);
    expect(missingKey.code).toBe(1);
    expect(missingKey.stderr.trim()).toBe('register: OPERATOR_PRIVATE_KEY / --operator-key: required but not set');
    const unreachable = await cli(
      ['--chain-id', '901', '--name', 'alpha', '--l1-hub-address', HUB, '--hub-url', 'http://127.0.0.1:9'],
      { OPERATOR_PRIVATE_KEY: KEY },
    );
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toMatch(/^register: hub http:\/\/127\.0\.0\.1:9 unreachable/);
  });
});
