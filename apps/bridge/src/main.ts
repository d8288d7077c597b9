import { bootstrapHttpApp, loadConfigOrExit } from '@interop/infra';

import { AppModule } from './app.module';
import { bridgeConfigSchema } from './config/bridgeConfig';

async function main(): Promise<void> {
  // Validated before Nest starts: a bad variable exits 1 with one message naming it.
  const config = loadConfigOrExit(bridgeConfigSchema);
  await bootstrapHttpApp({
    name: 'bridge',
    module: AppModule.forRoot(config),
    host: config.HOST,
    port: config.PORT,
    logLevel: config.LOG_LEVEL,
    description: 'Message and token relaying, interop fees, the fee ledger and reconciliation.',
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`bridge failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
