import { envSchemas } from '@interop/infra';
import { z } from 'zod';

/** Every environment variable of the bridge app (documented in docs/operations-apps.md). */
export const bridgeConfigSchema = z.object({
  DATABASE_URL: envSchemas.databaseUrl,
  KAFKA_BROKERS: envSchemas.kafkaBrokers,
  HOST: z.string().default('0.0.0.0'),
  PORT: envSchemas.port(3001),
  LOG_LEVEL: envSchemas.logLevel,
  L1_RPC_URL: envSchemas.rpcUrl,
  L1_CHAIN_ID: envSchemas.bigint.default(900n),
  /** `901=http://127.0.0.1:8546,902=http://127.0.0.1:8547`: every L2 the bridge relays to and from. */
  L2_RPC_URLS: envSchemas.chainRpcUrls,
});

export type BridgeConfig = z.output<typeof bridgeConfigSchema>;

/** Injection token of the validated `BridgeConfig`. */
export const BRIDGE_CONFIG = Symbol('BRIDGE_CONFIG');
