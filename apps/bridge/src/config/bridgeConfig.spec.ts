import { ConfigError, loadConfig } from '@interop/infra';

import { bridgeConfigSchema } from './bridgeConfig';

const chain = (id: number) => ({
  chainId: String(id),
  rpcUrl: `http://127.0.0.1:${8000 + id}`,
  interopCenter: '0x' + '11'.repeat(20),
  interopHandler: '0x' + '22'.repeat(20),
  nativeTokenVault: '0x' + '33'.repeat(20),
});

const env = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/interop',
  KAFKA_BROKERS: '127.0.0.1:19092',
  L1_RPC_URL: 'http://127.0.0.1:8545',
  CHAINS_JSON: JSON.stringify([chain(901), chain(902)]),
  RELAYER_PRIVATE_KEY: '0x' + 'ab'.repeat(32),
  ADMIN_TOKEN: 'a-long-enough-admin-token',
};

describe('bridgeConfigSchema', () => {
  it('parses CHAINS_JSON, defaults and the production depths', () => {
    const config = loadConfig(bridgeConfigSchema, env);
    expect(config.PORT).toBe(3001);
    expect(config.CHAINS_JSON.map((c) => c.chainId)).toEqual([901n, 902n]);
    expect(config.depths).toEqual({ batchDepth: 16, chainDepth: 20, sharedDepth: 10 });
    expect(config.DEFAULT_SPLIT_BPS).toEqual([2000, 3000, 5000]);
    const other = loadConfig(bridgeConfigSchema, { ...env, CHAIN_DEPTH: '4', SHARED_DEPTH: '3', BATCH_DEPTH: '8' });
    expect(other.depths).toEqual({ batchDepth: 8, chainDepth: 4, sharedDepth: 3 });
  });

  it('bounds the relay transaction limits', () => {
    const config = loadConfig(bridgeConfigSchema, env);
    expect(config).toMatchObject({
      RELAY_BATCH_SIZE: 1024,
      RELAY_TX_GAS_PERCENT: 50,
      RELAY_MAX_TX_BYTES: 120_000,
      RELAY_GAS_PER_MESSAGE: 100_000,
      RELAY_GAS_PER_BATCH: 1_000_000,
    });
    const bad = (vars: Record<string, string>) => () => loadConfig(bridgeConfigSchema, { ...env, ...vars });
    expect(bad({ RELAY_TX_GAS_PERCENT: '101' })).toThrow(/RELAY_TX_GAS_PERCENT: must be at most 100/);
    expect(bad({ RELAY_BATCH_SIZE: '0' })).toThrow(/RELAY_BATCH_SIZE: must be at least 1/);
    expect(bad({ RELAY_MAX_TX_BYTES: '1.5' })).toThrow(/RELAY_MAX_TX_BYTES: must be a positive decimal integer/);
  });

  it('names a bad depth variable', () => {
    const bad = (vars: Record<string, string>) => () => loadConfig(bridgeConfigSchema, { ...env, ...vars });
    expect(bad({ CHAIN_DEPTH: 'twenty' })).toThrow(/CHAIN_DEPTH: must be a tree depth \(1-32\)/);
    expect(bad({ SHARED_DEPTH: '0' })).toThrow(/SHARED_DEPTH: must be a tree depth \(1-32\)/);
    expect(bad({ BATCH_DEPTH: '33' })).toThrow(/BATCH_DEPTH: must be a tree depth \(1-32\)/);
  });

  it('reads CHAOS_RELAYER_CRASH (the chaos harness hook) as an optional crash point; a bad one fails at boot', () => {
    expect(loadConfig(bridgeConfigSchema, env).CHAOS_RELAYER_CRASH).toBeUndefined();
    expect(loadConfig(bridgeConfigSchema, { ...env, CHAOS_RELAYER_CRASH: '' }).CHAOS_RELAYER_CRASH).toBeUndefined();
    for (const point of ['after-record', 'after-broadcast'] as const) {
      expect(loadConfig(bridgeConfigSchema, { ...env, CHAOS_RELAYER_CRASH: point }).CHAOS_RELAYER_CRASH).toBe(point);
    }
    const bad = () => loadConfig(bridgeConfigSchema, { ...env, CHAOS_RELAYER_CRASH: 'after-receipt' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/CHAOS_RELAYER_CRASH: must be one of after-record, after-broadcast/);
  });

  it('names bad variables with their reason', () => {
    const bad = () =>
      loadConfig(bridgeConfigSchema, {
        ...env,
        CHAINS_JSON: JSON.stringify([{ ...chain(901), rpcUrl: 'ftp://x' }]),
        DEFAULT_SPLIT_BPS: '5000,5000,1',
        ADMIN_TOKEN: 'short',
      });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/CHAINS_JSON: 0\.rpcUrl: must be an http\(s\) or ws\(s\) URL/);
    expect(bad).toThrow(/DEFAULT_SPLIT_BPS: the three basis points must sum to 10000/);
    expect(bad).toThrow(/ADMIN_TOKEN: must be at least 16 characters/);
  });
});
