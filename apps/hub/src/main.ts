import { loadConfigOrExit, waitForDependencies } from '@interop/infra';

import { hubConfigSchema } from './config/hubConfig';
import { startHub } from './startHub';

async function main(): Promise<void> {
  // Validated before Nest starts: a bad variable exits 1 with one message naming it.
  const config = loadConfigOrExit(hubConfigSchema);
  // Started while the broker or the database is away (a restart during an outage): wait for them, do not exit.
  await waitForDependencies({
    name: 'hub',
    kafkaBrokers: config.KAFKA_BROKERS,
    databaseUrl: config.DATABASE_URL,
    log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  await startHub(config);
}

main().catch((e: unknown) => {
  process.stderr.write(`hub failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
