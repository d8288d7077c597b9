#!/usr/bin/env node
// npx tsx libs/prover/src/cli.ts verify-chain <epochs.json> --vkey circuits/keys/test.vkey.json
//
// Verifies a chain of aggregation proofs (each proof, and each epoch starting where the previous one ended).
// Prints one line; exits 0 when the whole chain verifies, 1 when it does not, 2 on bad usage or unreadable files.
import { readFileSync } from 'node:fs';

import { Command } from 'commander';
import { z } from 'zod';

import { ProverError } from './errors';
import type { VerificationKey } from './types';
import { verifyProofChain } from './verifyProofChain';

const integer = z
  .union([z.string().regex(/^(0x[0-9a-fA-F]+|[0-9]+)$/), z.number().int().nonnegative()])
  .transform((v) => BigInt(v));
const epochsSchema = z
  .array(
    z.object({
      epoch: integer,
      oldRoot: integer,
      newRoot: integer,
      proof: z.object({
        pi_a: z.array(z.string()),
        pi_b: z.array(z.array(z.string())),
        pi_c: z.array(z.string()),
        protocol: z.string(),
        curve: z.string(),
      }),
      publicSignals: z.array(z.string()),
    }),
  )
  .min(1);

class UsageError extends Error {}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(
      `cannot read ${what} ${file}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }
}

async function verifyChainCommand(file: string, opts: { vkey: string }): Promise<number> {
  const vkey = readJson(opts.vkey, 'verification key') as VerificationKey;
  const parsed = epochsSchema.safeParse(readJson(file, 'epochs file'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${file}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  const epochs = parsed.data;
  await verifyProofChain(epochs, vkey);
  process.stdout.write(
    `ok: ${epochs.length} epoch(s) verified, epoch ${epochs[0]!.epoch}..${epochs[epochs.length - 1]!.epoch}, ` +
      `root ${epochs[0]!.oldRoot} -> ${epochs[epochs.length - 1]!.newRoot}\n`,
  );
  return 0;
}

async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command()
    .name('prover')
    .description('Aggregation proof tools (libs/prover)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program
    .command('verify-chain')
    .description('verify a JSON array of { epoch, oldRoot, newRoot, proof, publicSignals }')
    .argument('<epochs.json>')
    .requiredOption('--vkey <file>', 'snarkjs verification key (circuits/keys/<instance>.vkey.json)')
    .action(async (file: string, opts: { vkey: string }) => {
      code = await verifyChainCommand(file, opts);
    });
  await program.parseAsync(argv);
  return code;
}

main(process.argv)
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    if (err instanceof ProverError) {
      process.stderr.write(`error ${err.code}: ${err.message.split('\n')[0]}\n`);
      process.exit(1);
    }
    if (err && typeof err === 'object' && 'code' in err && String(err.code).startsWith('commander.')) {
      process.exit(String(err.code) === 'commander.helpDisplayed' ? 0 : 2);
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
    process.exit(2);
  });
