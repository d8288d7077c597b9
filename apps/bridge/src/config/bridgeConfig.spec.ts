import { ConfigError, loadConfig } from '@interop/infra';

import { bridgeConfigSchema } from './bridgeConfig';

const env = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/interop',
  KAFKA_BROKERS: '127.0.0.1:19092',
  L1_RPC_URL: 'http://127.0.0.1:8545',
  L2_RPC_URLS: '901=http://127.0.0.1:8546, 902=http://127.0.0.1:8547',
};

describe('bridgeConfigSchema', () => {
  it('parses L2_RPC_URLS into chain id -> URL', () => {
    const config = loadConfig(bridgeConfigSchema, env);
    expect(config.PORT).toBe(3001);
    expect([...config.L2_RPC_URLS]).toEqual([
      [901n, 'http://127.0.0.1:8546'],
      [902n, 'http://127.0.0.1:8547'],
    ]);
  });

  it('rejects a malformed L2_RPC_URLS entry by name', () => {
    expect(() => loadConfig(bridgeConfigSchema, { ...env, L2_RPC_URLS: '901:http://x' })).toThrow(ConfigError);
    expect(() => loadConfig(bridgeConfigSchema, { ...env, L2_RPC_URLS: '901:http://x' })).toThrow(
      /L2_RPC_URLS: "901:http:\/\/x" is not/,
    );
  });
});
