import { Command, Option } from 'commander';
import type { Address, Hex } from 'viem';

import {
  parseAddress,
  parseChainId,
  parseGasLimit,
  parseHexBytes,
  parseMessageId,
  parsePositiveInt,
  parsePrivateKey,
  parseTime,
} from './args';
import { chainsApprove, chainsList, chainsRegister, chainsSetPaused } from './commands/chains';
import { feesReport } from './commands/fees';
import { proofExport, proofVerify } from './commands/proof';
import { statusCommand } from './commands/status';
import { bridgeCommand, sendCommand } from './commands/transfer';
import { makeContext, type Context } from './context';
import type { GlobalOptions } from './settings';

/** Default seconds to follow a message before giving up (it keeps going on the network). */
export const DEFAULT_TIMEOUT_S = 300;

/**
 * The `interop` command tree. `run` executes an action with the context built from the global options (tests pass
 * their own to check parsing without I/O).
 */
export function buildProgram(
  run: (action: (ctx: Context) => Promise<void>, globals: GlobalOptions) => Promise<void> = (action, globals) =>
    action(makeContext(globals)),
): Command {
  const program = new Command()
    .name('interop')
    .description('Interop hub CLI: chains, bridging, messages, proofs and fees (docs/cli.md)')
    .version('0.1.0')
    .option('--hub-url <url>', 'hub API (env INTEROP_HUB_URL, HUB_URL; default http://127.0.0.1:3000)')
    .option('--bridge-url <url>', 'bridge API (env INTEROP_BRIDGE_URL, BRIDGE_URL; default http://127.0.0.1:3001)')
    .option('--admin-token <token>', 'admin bearer token (env INTEROP_ADMIN_TOKEN, ADMIN_TOKEN)')
    .option('--env-file <file>', 'KEY=value file read after the environment (default: .devnet/env when present)')
    .option('--json', 'print results as JSON')
    .option('--no-progress', 'no progress lines on stderr')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
    });

  const go = (action: (ctx: Context) => Promise<void>) => run(action, program.opts<GlobalOptions>());
  const keyOption = () =>
    new Option('--key <privateKey>', 'signer private key (env INTEROP_PRIVATE_KEY)').argParser(parsePrivateKey);
  const waitOptions = (c: Command) =>
    c
      .option('--no-wait', 'print the message id and return without following the message')
      .option('--timeout <seconds>', 'how long to follow the message', parsePositiveInt, DEFAULT_TIMEOUT_S);

  const chains = program.command('chains').description('the hub chain registry');
  chains
    .command('list')
    .description('registered chains with status, slot and operator')
    .action(() => go((ctx) => chainsList(ctx)));
  chains
    .command('register')
    .description(
      "register a chain: signs the EIP-712 ChainRegistration with the operator's key and posts it to the hub",
    )
    .requiredOption('--chain-id <chainId>', 'the L2 chain id', parseChainId)
    .requiredOption('--name <name>', 'chain name (1-64 characters)')
    .addOption(keyOption())
    .option('--approve', 'also approve it (admin token): registers the chain on L1 and waits for the receipt')
    .action((o: { chainId: bigint; name: string; key?: Hex; approve?: boolean }) =>
      go((ctx) => chainsRegister(ctx, o)),
    );
  chains
    .command('approve')
    .description('approve a pending chain (admin): assigns its slot and registers it on L1')
    .argument('<chainId>', 'chain id', parseChainId)
    .action((id: bigint) => go((ctx) => chainsApprove(ctx, id)));
  chains
    .command('pause')
    .description('pause a chain (admin): the hub refuses its batch roots; mirrored on L1')
    .argument('<chainId>', 'chain id', parseChainId)
    .action((id: bigint) => go((ctx) => chainsSetPaused(ctx, id, 'pause')));
  chains
    .command('resume')
    .description('resume a paused chain (admin); mirrored on L1')
    .argument('<chainId>', 'chain id', parseChainId)
    .action((id: bigint) => go((ctx) => chainsSetPaused(ctx, id, 'resume')));

  waitOptions(
    program
      .command('bridge')
      .description('bridge an ERC-20 from one L2 to another through the NativeTokenVault, then follow it')
      .argument('<asset>', 'token address on the source chain', parseAddress)
      .argument('<amount>', 'base units (1000) or tokens with a decimal point (1.5, scaled by the token decimals)')
      .requiredOption('--from <chainId>', 'source chain', parseChainId)
      .requiredOption('--to <chainId>', 'destination chain', parseChainId)
      .option('--recipient <address>', 'receiver on the destination (default: the sender)', parseAddress)
      .addOption(keyOption()),
  ).action(
    (
      asset: Address,
      amount: string,
      o: { from: bigint; to: bigint; recipient?: Address; key?: Hex; wait: boolean; timeout: number },
    ) => go((ctx) => bridgeCommand(ctx, asset, amount, o)),
  );

  waitOptions(
    program
      .command('send')
      .description('send a cross-chain call (InteropCenter.sendMessage with the quoted fee), then follow it')
      .requiredOption('--from <chainId>', 'source chain', parseChainId)
      .requiredOption('--to <chainId>', 'destination chain', parseChainId)
      .requiredOption('--payload <hex>', 'calldata for the target (0x-hex)', parseHexBytes)
      .option('--target <address>', 'contract called on the destination (default: the sender)', parseAddress)
      .option('--gas-limit <gas>', 'gas for the call on the destination', parseGasLimit, 200_000n)
      .addOption(keyOption()),
  ).action(
    (o: {
      from: bigint;
      to: bigint;
      payload: Hex;
      target?: Address;
      gasLimit: bigint;
      key?: Hex;
      wait: boolean;
      timeout: number;
    }) => go((ctx) => sendCommand(ctx, o)),
  );

  program
    .command('status')
    .description("a message's status and timeline (bridge)")
    .argument('<messageId>', '0x + 64 hex digits', parseMessageId)
    .option('--wait', 'follow it until executed or failed')
    .option('--timeout <seconds>', 'with --wait: how long', parsePositiveInt, DEFAULT_TIMEOUT_S)
    .action((id: Hex, o: { wait?: boolean; timeout: number }) =>
      go((ctx) => statusCommand(ctx, id, { wait: o.wait === true, timeout: o.timeout })),
    );

  const proof = program.command('proof').description('inclusion proofs and epoch Groth16 proofs');
  proof
    .command('export')
    .description("write a message's inclusion proof and its epoch's Groth16 proof to one self-contained file")
    .argument('<messageId>', '0x + 64 hex digits', parseMessageId)
    .option('--out <file>', 'output file (default: stdout)')
    .action((id: Hex, o: { out?: string }) => go((ctx) => proofExport(ctx, id, o)));
  proof
    .command('verify')
    .description('verify a proof file offline: inclusion under the shared root, and the Groth16 proof of that root')
    .argument('<file>', 'a file written by `interop proof export`')
    .option('--vkey <file>', "verification key of the epoch's shape (default: circuits/keys/<shape>.vkey.json)")
    .action((file: string, o: { vkey?: string }) => go((ctx) => proofVerify(ctx, file, o)));

  const fees = program.command('fees').description('fee accounting (admin)');
  fees
    .command('report')
    .description('fees charged, relayer gas, net revenue and its burn / staking / treasury split')
    .option('--from <time>', 'window start: ISO date/time, or a duration before now (24h, 7d)', (v) => parseTime(v))
    .option('--to <time>', 'window end (exclusive): ISO date/time, "now" or a duration before now', (v) => parseTime(v))
    .option('--chain <chainId>', 'only entries of this chain', parseChainId)
    .option('--reconcile', 'also reconcile the ledger against the chains')
    .action((o: { from?: Date; to?: Date; chain?: bigint; reconcile?: boolean }) => go((ctx) => feesReport(ctx, o)));

  return program;
}
