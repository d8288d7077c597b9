import { ConfigError, loadConfigOrExit, waitForDependencies } from '@interop/infra';

import { bridgeConfigSchema } from './config/bridgeConfig';
import { startBridge } from './startBridge';

async function main(): Promise<void> {
  // Validated before Nest starts: a bad variable exits 1 with one message naming it.
  const config = loadConfigOrExit(bridgeConfigSchema);
  // Started while the broker or the database is away (a restart during an outage): wait for them, do not exit.
  await waitForDependencies({
    name: 'bridge',
    ...(config.INTAKE_ENABLED ? { kafkaBrokers: config.KAFKA_BROKERS } : {}),
    databaseUrl: config.DATABASE_URL,
    log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  await startBridge(config);
}

main().catch((e: unknown) => {
  // CHAIN_DEPTH / SHARED_DEPTH that differ from L1's: one message naming them, as for any bad variable.
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`bridge failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
