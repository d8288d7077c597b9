import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { ConfigError, loadConfig } from '@interop/infra';

import { bridgeConfigSchema, type BridgeChain } from '../config/bridgeConfig';
import type { ChainHeads } from './chainHeads';
import type { HubClient } from './hubClient';
import { OperatorService } from './operator.service';
import { OPERATOR_ASSETS, OperatorAssets, operatorAssetsDir } from './operatorAssets';
import { HubUnreachableError } from './operatorErrors';

const chain = (id: bigint): BridgeChain => ({
  chainId: id,
  rpcUrl: `http://127.0.0.1:${8000 + Number(id)}`,
  interopCenter: `0x${'11'.repeat(20)}`,
  interopHandler: `0x${'22'.repeat(20)}`,
  nativeTokenVault: `0x${'33'.repeat(20)}`,
});

describe('operator page assets', () => {
  it('finds public/ from the sources and from a dist-like folder, and serves only its three files', () => {
    const dir = operatorAssetsDir();
    expect(dir.endsWith(path.join('apps', 'bridge', 'src', 'operator', 'public'))).toBe(true);
    const fromDist = operatorAssetsDir(
      path.join(__dirname, '..', '..', '..', '..', 'dist', 'apps', 'bridge', 'src', 'operator'),
    );
    expect(fromDist).toBe(dir);
    const assets = new OperatorAssets(dir);
    expect(assets.read('index.html')?.contentType).toBe('text/html; charset=utf-8');
    expect(assets.read('index.html')?.body.toString()).toContain('<script src="/operator/app.js">');
    expect(Object.keys(OPERATOR_ASSETS).sort()).toEqual(['app.js', 'index.html', 'style.css']);
    for (const bad of ['../operator.service.ts', 'secret', '', 'app.js/']) expect(assets.read(bad)).toBeUndefined();
  });

  it('the page fetches nothing from another origin (no http URL in its files)', () => {
    const assets = new OperatorAssets(operatorAssetsDir());
    for (const name of Object.keys(OPERATOR_ASSETS)) {
      const text = assets.read(name)!.body.toString();
      expect(text.match(/https?:\/\/(?!www\.w3\.org\/2000\/svg)[^\s'"]+/g) ?? []).toEqual([]);
    }
  });

  it('a missing folder is reported when a file is read, not at start', () => {
    const assets = new OperatorAssets(mkdtempSync(path.join(tmpdir(), 'no-assets-')));
    expect(() => assets.read('index.html')).toThrow('ENOENT');
  });
});

describe('HUB_URL', () => {
  const env = {
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/interop',
    KAFKA_BROKERS: '127.0.0.1:19092',
    L1_RPC_URL: 'http://127.0.0.1:8545',
    CHAINS_JSON: JSON.stringify([{ ...chain(901n), chainId: '901' }]),
    RELAYER_PRIVATE_KEY: `0x${'ab'.repeat(32)}`,
    ADMIN_TOKEN: 'a-long-enough-admin-token',
  };

  it('is optional, an http(s) URL without trailing slash', () => {
    expect(loadConfig(bridgeConfigSchema, env).HUB_URL).toBeUndefined();
    expect(loadConfig(bridgeConfigSchema, { ...env, HUB_URL: 'http://127.0.0.1:3000/' }).HUB_URL).toBe(
      'http://127.0.0.1:3000',
    );
    expect(() => loadConfig(bridgeConfigSchema, { ...env, HUB_URL: 'localhost:3000' })).toThrow(ConfigError);
    expect(() => loadConfig(bridgeConfigSchema, { ...env, HUB_URL: 'ftp://hub' })).toThrow(/HUB_URL/);
  });
});

describe('OperatorService.overview', () => {
  const heads = (blocks: Record<string, bigint | Error>) =>
    ({
      head: (id: bigint) => {
        const b = blocks[id.toString()];
        return Promise.resolve(b instanceof Error || b === undefined ? { error: b?.message ?? 'none' } : { block: b });
      },
    }) as unknown as ChainHeads;
  const hub = (answers: Record<string, unknown> | Error, configured = true) =>
    ({
      configured,
      get: (p: string) => (answers instanceof Error ? Promise.reject(answers) : Promise.resolve(answers[p])),
    }) as unknown as HubClient;

  it('joins configured chains with the hub registry and computes blocks since the last batch', async () => {
    const service = new OperatorService(
      { CHAINS_JSON: [chain(901n), chain(902n)], HUB_URL: 'http://hub' },
      hub({
        '/chains': [
          { chainId: '901', name: 'alpha', status: 'active', slot: 0, operator: '0xop' },
          { chainId: '903', name: 'gamma', status: 'pending', slot: null, operator: '0xop3' },
        ],
        '/batches/latest': [
          { chainId: '901', batchNumber: '4', lastBlock: '90', epoch: '3', receivedAt: 't', batchesPending: 1 },
        ],
      }),
      heads({ '901': 100n, '902': new Error('connection refused') }),
    );
    const o = await service.overview();
    expect(o).toMatchObject({ hubConfigured: true, hubError: null });
    expect(o.chains.map((c) => c.chainId)).toEqual(['901', '902', '903']);
    expect(o.chains[0]).toMatchObject({ name: 'alpha', headBlock: '100', blocksSinceLastBatch: '10', slot: 0 });
    expect(o.chains[1]).toMatchObject({
      name: null,
      headBlock: null,
      headError: 'connection refused',
      latestBatch: null,
    });
    expect(o.chains[2]).toMatchObject({ name: 'gamma', rpcUrl: null, headBlock: null, blocksSinceLastBatch: null });
  });

  it('still answers with the bridge side when the hub is down or not configured', async () => {
    const down = new OperatorService(
      { CHAINS_JSON: [chain(901n)], HUB_URL: 'http://hub' },
      hub(new HubUnreachableError('http://hub', new Error('ECONNREFUSED'))),
      heads({ '901': 5n }),
    );
    const o = await down.overview();
    expect(o.hubError).toContain('ECONNREFUSED');
    expect(o.chains).toEqual([expect.objectContaining({ chainId: '901', headBlock: '5', status: null })]);
    const none = new OperatorService({ CHAINS_JSON: [chain(901n)] }, hub({}, false), heads({ '901': 5n }));
    expect(await none.overview()).toMatchObject({ hubConfigured: false, hubError: null });
  });
});
