import { loadConfigOrExit } from '@interop/infra';

import { hubConfigSchema } from './config/hubConfig';
import { startHub } from './startHub';

async function main(): Promise<void> {
  // Validated before Nest starts: a bad variable exits 1 with one message naming it.
  await startHub(loadConfigOrExit(hubConfigSchema));
}

main().catch((e: unknown) => {
  process.stderr.write(`hub failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
