import { z } from 'zod';

import { ConfigError } from './configError';
import { envSchemas } from './envSchemas';
import { loadConfig } from './loadConfig';

const schema = z.object({
  DATABASE_URL: envSchemas.databaseUrl,
  KAFKA_BROKERS: envSchemas.kafkaBrokers,
  PORT: envSchemas.port(3000),
  LOG_LEVEL: envSchemas.logLevel,
  OPERATOR_KEY: envSchemas.privateKey,
  TREASURY: envSchemas.address,
  MAX_FEE: envSchemas.bigint,
  L2_RPC_URLS: envSchemas.chainRpcUrls.optional(),
});

const good = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/interop',
  KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:29092',
  OPERATOR_KEY: '0x' + 'ab'.repeat(32),
  TREASURY: '0x' + '12'.repeat(20),
  MAX_FEE: (2n ** 255n).toString(),
};

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(schema, env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig', () => {
  it('parses every variable into the type the code uses, with defaults', () => {
    const config = loadConfig(schema, {
      ...good,
      L2_RPC_URLS: '901=http://127.0.0.1:8546,902=ws://127.0.0.1:8547',
      UNRELATED: 'x',
    });
    expect(config).toEqual({
      DATABASE_URL: good.DATABASE_URL,
      KAFKA_BROKERS: ['127.0.0.1:19092', '127.0.0.1:29092'],
      PORT: 3000,
      LOG_LEVEL: 'info',
      OPERATOR_KEY: good.OPERATOR_KEY,
      TREASURY: good.TREASURY,
      MAX_FEE: 2n ** 255n,
      L2_RPC_URLS: new Map([
        [901n, 'http://127.0.0.1:8546'],
        [902n, 'ws://127.0.0.1:8547'],
      ]),
    });
  });

  it('names a missing variable and says it is required', () => {
    const { DATABASE_URL: _omit, ...env } = good;
    const error = configError(env);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.issues).toEqual([{ variable: 'DATABASE_URL', reason: 'required but not set' }]);
    expect(error.message).toContain('DATABASE_URL: required but not set');
  });

  it('treats an empty value as unset', () => {
    expect(configError({ ...good, KAFKA_BROKERS: '  ' }).issues).toEqual([
      { variable: 'KAFKA_BROKERS', reason: 'required but not set' },
    ]);
    expect(loadConfig(schema, { ...good, PORT: '' }).PORT).toBe(3000);
  });

  it('names every bad variable with its reason in one message, without echoing secrets', () => {
    const secret = '0x' + 'zz'.repeat(32);
    const error = configError({
      ...good,
      DATABASE_URL: 'mysql://db',
      PORT: '70000',
      OPERATOR_KEY: secret,
      TREASURY: '0x1234',
      MAX_FEE: '-1',
      KAFKA_BROKERS: 'localhost',
      L2_RPC_URLS: '901=ftp://x',
    });
    expect(error.issues.map((i) => i.variable).sort()).toEqual(
      ['DATABASE_URL', 'KAFKA_BROKERS', 'L2_RPC_URLS', 'MAX_FEE', 'OPERATOR_KEY', 'PORT', 'TREASURY'].sort(),
    );
    expect(error.message).toMatch(/^Invalid configuration \(7 variables\):/);
    expect(error.message).toContain('DATABASE_URL: must be a PostgreSQL URL');
    expect(error.message).toContain('OPERATOR_KEY: must be a 0x-prefixed 32-byte hex private key');
    expect(error.message).toContain('TREASURY: must be a 0x-prefixed 20-byte hex address');
    expect(error.message).toContain('PORT: must be at most 65535');
    expect(error.message).toContain('MAX_FEE: must be a non-negative decimal integer');
    expect(error.message).toContain('KAFKA_BROKERS: each broker must be host:port');
    expect(error.message).toContain('L2_RPC_URLS: "901=ftp://x" is not chainId=http(s)');
    expect(error.message).not.toContain(secret);
  });

  it('accepts only decimal ports', () => {
    expect(configError({ ...good, PORT: '0x10' }).issues).toEqual([
      { variable: 'PORT', reason: 'must be a decimal TCP port' },
    ]);
    expect(loadConfig(schema, { ...good, PORT: '8080' }).PORT).toBe(8080);
  });

  it('rejects an unknown log level', () => {
    expect(configError({ ...good, LOG_LEVEL: 'loud' }).issues.map((i) => i.variable)).toEqual(['LOG_LEVEL']);
  });
});
