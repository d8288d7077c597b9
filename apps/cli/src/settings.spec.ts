import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { UsageError } from './errors';
import {
  DEFAULT_BRIDGE_URL,
  DEFAULT_HUB_URL,
  findEnvFile,
  parseEnvFile,
  requireAdminToken,
  requirePrivateKey,
  resolveSettings,
} from './settings';

describe('settings', () => {
  it('parses the devnet env file (comments, export, quotes)', () => {
    expect(
      parseEnvFile(
        `# devnet\nHUB_URL=http://127.0.0.1:3000\nexport ADMIN_TOKEN="tok en"\nCHAINS_JSON='[{"a":1}]'\nnot a line\nX=1\nX=2\n`,
      ),
    ).toEqual({ HUB_URL: 'http://127.0.0.1:3000', ADMIN_TOKEN: 'tok en', CHAINS_JSON: '[{"a":1}]', X: '2' });
  });

  it('resolves flags > INTEROP_* > plain env > file > defaults', () => {
    const file = { HUB_URL: 'http://file-hub:1', BRIDGE_URL: 'http://file-bridge:2', ADMIN_TOKEN: 'file-token' };
    expect(resolveSettings({}, {}, {})).toMatchObject({
      hubUrl: DEFAULT_HUB_URL,
      bridgeUrl: DEFAULT_BRIDGE_URL,
      adminToken: undefined,
      l1ChainId: 900n,
      json: false,
      progress: true,
    });
    expect(resolveSettings({}, {}, file)).toMatchObject({ hubUrl: 'http://file-hub:1', adminToken: 'file-token' });
    expect(resolveSettings({}, { HUB_URL: 'http://env:1', INTEROP_HUB_URL: 'http://interop:1/' }, file).hubUrl).toBe(
      'http://interop:1',
    );
    expect(
      resolveSettings({ hubUrl: 'http://flag:1', adminToken: 'flag-token' }, { INTEROP_HUB_URL: 'http://i:1' }, file),
    ).toMatchObject({
      hubUrl: 'http://flag:1',
      adminToken: 'flag-token',
    });
    expect(resolveSettings({ json: true, progress: false }, {}, {})).toMatchObject({ json: true, progress: false });
  });

  it('rejects bad URLs, keys and addresses with one clear message', () => {
    expect(() => resolveSettings({ hubUrl: 'ftp://x' }, {}, {})).toThrow('hub URL ftp://x is not an http(s) URL');
    expect(() => resolveSettings({}, { INTEROP_PRIVATE_KEY: '0x12' }, {})).toThrow(UsageError);
    expect(() => resolveSettings({}, { L1_HUB_ADDRESS: 'nope' }, {})).toThrow('L1 hub address nope');
    expect(() => resolveSettings({}, { L1_CHAIN_ID: 'x' }, {})).toThrow('L1 chain id');
  });

  it('requires the admin token and the key only where needed, naming where to set them', () => {
    const s = resolveSettings({}, {}, {});
    expect(() => requireAdminToken(s)).toThrow('--admin-token, INTEROP_ADMIN_TOKEN or ADMIN_TOKEN');
    expect(() => requirePrivateKey(s, undefined)).toThrow('--key or set INTEROP_PRIVATE_KEY');
    const key = `0x${'11'.repeat(32)}` as const;
    expect(requirePrivateKey(resolveSettings({}, { INTEROP_PRIVATE_KEY: key }, {}), undefined)).toBe(key);
  });

  it('finds the env file: flag, INTEROP_ENV_FILE, .devnet/env of the working directory', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'interop-cli-'));
    const file = path.join(dir, 'env');
    writeFileSync(file, 'A=1\n');
    expect(findEnvFile(file, {}, dir)).toBe(file);
    expect(findEnvFile(undefined, { INTEROP_ENV_FILE: file }, dir)).toBe(file);
    expect(() => findEnvFile(path.join(dir, 'missing'), {}, dir)).toThrow('does not exist');
  });
});
