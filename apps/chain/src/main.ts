import { bootstrapHttpApp, loadConfigOrExit, waitForDependencies } from '@interop/infra';

import { AppModule } from './app.module';
import { chainConfigSchema } from './config/chainConfig';

async function main(): Promise<void> {
  // Validated before Nest starts: a bad variable exits 1 with one message naming it.
  const config = loadConfigOrExit(chainConfigSchema);
  // Started while the broker or the database is away (a restart during an outage): wait for them, do not exit.
  await waitForDependencies({
    name: `chain-${config.CHAIN_ID}`,
    kafkaBrokers: config.KAFKA_BROKERS,
    databaseUrl: config.DATABASE_URL,
    log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  await bootstrapHttpApp({
    name: `chain-${config.CHAIN_ID}`,
    module: AppModule.forRoot(config),
    host: config.HOST,
    port: config.PORT,
    logLevel: config.LOG_LEVEL,
    description: `Chain app of L2 ${config.CHAIN_ID}: watches the chain, seals and signs batches, imports proven roots.`,
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`chain app failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
