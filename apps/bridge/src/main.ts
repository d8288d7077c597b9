import { ConfigError, loadConfigOrExit } from '@interop/infra';

import { bridgeConfigSchema } from './config/bridgeConfig';
import { startBridge } from './startBridge';

async function main(): Promise<void> {
  // Validated before Nest starts: a bad variable exits 1 with one message naming it.
  await startBridge(loadConfigOrExit(bridgeConfigSchema));
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
