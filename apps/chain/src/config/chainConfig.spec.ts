import { ConfigError, loadConfig } from '@interop/infra';

import { chainConfigSchema } from './chainConfig';

const env = {
  CHAIN_ID: '901',
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/interop',
  KAFKA_BROKERS: '127.0.0.1:19092',
  L2_RPC_URL: 'http://127.0.0.1:8546',
  L1_RPC_URL: 'http://127.0.0.1:8545',
  L1_HUB_ADDRESS: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  INTEROP_CENTER_ADDRESS: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
  INTEROP_HANDLER_ADDRESS: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
  OPERATOR_PRIVATE_KEY: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
};

function issues(e: Record<string, string | undefined>): string[] {
  try {
    loadConfig(chainConfigSchema, e);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.variable}: ${i.reason}`);
    throw error;
  }
  throw new Error('accepted');
}

describe('chainConfigSchema', () => {
  it('derives the port from CHAIN_INDEX unless PORT is given, with documented defaults', () => {
    expect(loadConfig(chainConfigSchema, env)).toMatchObject({
      CHAIN_ID: 901n,
      PORT: 3100,
      L1_CHAIN_ID: 900n,
      CONFIRMATIONS: 2,
      BATCH_INTERVAL_MS: 5_000,
      BATCH_MIN_INTERVAL_MS: 0,
      BATCH_MAX_MESSAGES: 10_000,
      KAFKA_MAX_REQUEST_BYTES: 524_288,
      POLL_INTERVAL_MS: 1_000,
      START_BLOCK: 0n,
      KAFKA_CLIENT_ID: 'chain-901',
      KAFKA_TOPIC_BATCH_ROOTS: 'interop.batch-roots',
      KAFKA_TOPIC_MESSAGES: 'interop.messages',
      ROOT_IMPORTER_ENABLED: true,
    });
    expect(loadConfig(chainConfigSchema, { ...env, CHAIN_INDEX: '2' }).PORT).toBe(3102);
    expect(loadConfig(chainConfigSchema, { ...env, CHAIN_INDEX: '2', PORT: '4000' }).PORT).toBe(4000);
    expect(loadConfig(chainConfigSchema, { ...env, CONFIRMATIONS: '0' }).CONFIRMATIONS).toBe(0);
    // CHAIN_DEPTH has no default: L1 InteropHub's CHAIN_DEPTH() is read at boot.
    expect(loadConfig(chainConfigSchema, env).CHAIN_DEPTH).toBeUndefined();
    expect(loadConfig(chainConfigSchema, { ...env, CHAIN_DEPTH: '20' }).CHAIN_DEPTH).toBe(20);
  });

  it('names missing and bad variables', () => {
    const { CHAIN_ID: _c, L2_RPC_URL: _l, ...rest } = env;
    expect(issues(rest)).toEqual(['CHAIN_ID: required but not set', 'L2_RPC_URL: required but not set']);
    expect(issues({ ...env, OPERATOR_PRIVATE_KEY: '0x12', L1_HUB_ADDRESS: 'hub', POLL_INTERVAL_MS: '0' })).toEqual([
      'L1_HUB_ADDRESS: must be a 0x-prefixed 20-byte hex address',
      'OPERATOR_PRIVATE_KEY: must be a 0x-prefixed 32-byte hex private key',
      'POLL_INTERVAL_MS: must be at least 1',
    ]);
    expect(issues({ ...env, CHAIN_DEPTH: '0' })).toEqual(['CHAIN_DEPTH: must be at least 1']);
    expect(issues({ ...env, CHAIN_DEPTH: '33' })).toEqual(['CHAIN_DEPTH: must be at most 32']);
    expect(issues({ ...env, CHAIN_DEPTH: 'twenty' })).toEqual(['CHAIN_DEPTH: must be a positive decimal integer']);
    expect(issues({ ...env, BATCH_DEPTH: '2', BATCH_MAX_MESSAGES: '5' })).toEqual([
      'BATCH_MAX_MESSAGES: must not exceed 2^BATCH_DEPTH (the leaves of one batch tree)',
    ]);
    expect(issues({ ...env, BATCH_INTERVAL_MS: '1000', BATCH_MIN_INTERVAL_MS: '2000' })).toEqual([
      'BATCH_MIN_INTERVAL_MS: must not exceed BATCH_INTERVAL_MS (the longest a confirmed message waits)',
    ]);
  });
});
