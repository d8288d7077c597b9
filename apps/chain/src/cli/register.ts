/**
 * Registers a chain with the hub: signs the EIP-712 ChainRegistration with the operator key and POSTs it to
 * `POST /chains`; `--print` only prints the signed JSON (to submit by other means). Errors: one line on stderr, exit 1.
 *
 *   npx tsx apps/chain/src/cli/register.ts --chain-id 901 --name alpha --hub-url http://127.0.0.1:3000 \
 *     --l1-hub-address 0x... [--l1-chain-id 900] [--print]      (operator key from OPERATOR_PRIVATE_KEY)
 */
import { envSchemas } from '@interop/infra';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';

import { postRegistration, signRegistration } from './chainRegistration';

const optionsSchema = z.object({
  chainId: envSchemas.bigint,
  name: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  operatorKey: envSchemas.privateKey,
  l1ChainId: envSchemas.bigint,
  l1HubAddress: envSchemas.address,
  hubUrl: z.url('must be an http(s) URL').optional(),
  print: z.boolean().optional(),
});

const OPTION_NAMES: Record<string, string> = {
  chainId: '--chain-id / CHAIN_ID',
  name: '--name / CHAIN_NAME',
  operatorKey: 'OPERATOR_PRIVATE_KEY / --operator-key',
  l1ChainId: '--l1-chain-id / L1_CHAIN_ID',
  l1HubAddress: '--l1-hub-address / L1_HUB_ADDRESS',
  hubUrl: '--hub-url / HUB_URL',
};

async function main(argv: string[]): Promise<void> {
  const env = process.env;
  const program = new Command('register')
    .description('Sign the chain registration with the operator key and submit it to the hub')
    .option('--chain-id <id>', 'L2 chain id (default CHAIN_ID)', env.CHAIN_ID)
    .option('--name <name>', 'chain name (default CHAIN_NAME)', env.CHAIN_NAME)
    .option(
      '--operator-key <hex>',
      'operator private key (prefer OPERATOR_PRIVATE_KEY: argv is visible)',
      env.OPERATOR_PRIVATE_KEY,
    )
    .option(
      '--l1-chain-id <id>',
      'L1 chain id of the EIP-712 domain (default L1_CHAIN_ID or 900)',
      env.L1_CHAIN_ID ?? '900',
    )
    .option(
      '--l1-hub-address <address>',
      'L1 InteropHub, the EIP-712 verifying contract (default L1_HUB_ADDRESS)',
      env.L1_HUB_ADDRESS,
    )
    .option('--hub-url <url>', 'hub base URL (default HUB_URL)', env.HUB_URL)
    .option('--print', 'only print the signed JSON, do not POST it')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program.parse(argv);
  const parsed = optionsSchema.safeParse(program.opts());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    const reason = issue.code === 'invalid_type' ? 'required but not set' : issue.message;
    throw new Error(`${OPTION_NAMES[key] ?? key}: ${reason}`);
  }
  const o = parsed.data;
  const body = await signRegistration({
    chainId: o.chainId,
    name: o.name,
    operatorKey: o.operatorKey,
    l1ChainId: o.l1ChainId,
    l1Hub: o.l1HubAddress,
  });
  if (o.print) {
    process.stdout.write(`${JSON.stringify(body)}\n`);
    return;
  }
  if (!o.hubUrl) throw new Error(`${OPTION_NAMES.hubUrl}: required unless --print`);
  const answer = await postRegistration(o.hubUrl, body);
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}

main(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 1);
  process.stderr.write(`register: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  process.exit(1);
});
