#!/usr/bin/env node
// npx tsx libs/prover/src/cli.ts verify-chain <epochs.json> [--vkey [<shape>=]<file>]... [--keys <dir>]
//
// Verifies a chain of aggregation proofs (SPEC "Epoch data"): epochs consecutive, each starting where the previous
// one ended (epoch 1 from the genesis root), each epoch's data giving exactly its proof's public signals, each proof
// verifying with the verification key of its epoch shape. The file is a JSON array of epochs, either as the hub's
// `GET /roots/:epoch` returns them (`shapeId`, `updates[]` with `chainRoot`, `publicSignals`, `proof`) or as links
// `{ epoch, shape: "<name>", prevRoot, root, groups: [{ slot, chainId, firstBatch, chainRoot, batchRoots }], proof,
// publicSignals }`. Shapes come from circuits/shapes, keys from circuits/keys/<shape>.vkey.json unless given.
// Prints one line; exits 0 when the whole chain verifies, 1 when it does not, 2 on bad usage or unreadable files.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { poseidonZeroHashes, shapeId as shapeIdOf } from '@interop/protocol';
import { Command } from 'commander';
import type { Hex } from 'viem';
import { z } from 'zod';

import { loadShapes } from './circuitArtifacts';
import { ProverError } from './errors';
import { repoRoot } from './repoRoot';
import type { CircuitShape, VerificationKey } from './types';
import { epochGroupsOf, type ProofChainLink, verifyProofChain } from './verifyProofChain';

const integer = z
  .union([
    z.string().regex(/^(0x[0-9a-fA-F]+|[0-9]+)$/, 'must be a decimal or 0x-hex integer'),
    z.number().int().nonnegative(),
  ])
  .transform((v) => BigInt(v));
const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, 'must be bytes32 hex')
  .transform((s) => s as Hex);
const slot = z.number().int().nonnegative();
const proofSchema = z.object({
  pi_a: z.array(z.string()),
  pi_b: z.array(z.array(z.string())),
  pi_c: z.array(z.string()),
  protocol: z.string(),
  curve: z.string(),
});
const common = {
  epoch: integer,
  prevRoot: integer,
  root: integer,
  dataCommitment: integer.optional(),
  proof: proofSchema,
  publicSignals: z.array(z.string()),
};
/** An epoch as the hub's `GET /roots/:epoch` returns it (other fields are ignored). */
const hubEpochSchema = z.object({
  ...common,
  shapeId: z.number().int().positive(),
  updates: z
    .array(z.object({ slot, chainId: integer, batchNumber: integer, batchRoot: bytes32, chainRoot: integer }))
    .min(1),
});
/** A link with its shape by name and its groups as L1's calldata has them. */
const linkSchema = z.object({
  ...common,
  shape: z.string().min(1),
  groups: z
    .array(
      z.object({
        slot,
        chainId: integer,
        firstBatch: integer,
        chainRoot: integer,
        batchRoots: z.array(bytes32).min(1),
      }),
    )
    .min(1),
});

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

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${where}${issue ? `.${issue.path.join('.')}: ${issue.message}` : ': invalid'}`);
  }
  return parsed.data;
}

/** The links of an epochs file, each with its circuits/shapes shape. */
export function epochsFromJson(json: unknown, shapes: readonly CircuitShape[], file = 'epochs'): ProofChainLink[] {
  if (!Array.isArray(json) || json.length === 0)
    throw new UsageError(`${file}: expected a non-empty JSON array of epochs`);
  const byName = (name: string, where: string): CircuitShape => {
    const s = shapes.find((x) => x.name === name);
    if (!s)
      throw new UsageError(
        `${where}: shape ${name} is not in circuits/shapes (${shapes.map((x) => x.name).join(', ')})`,
      );
    return s;
  };
  return json.map((entry: unknown, i): ProofChainLink => {
    const where = `${file}[${i}]`;
    if (entry !== null && typeof entry === 'object' && 'updates' in entry) {
      const e = parse(hubEpochSchema, entry, where);
      const shape = shapes.find((s) => shapeIdOf(s) === e.shapeId);
      if (!shape) {
        throw new UsageError(
          `${where}: shape id ${e.shapeId} is none of circuits/shapes (${shapes.map((s) => `${s.name} = ${shapeIdOf(s)}`).join(', ')})`,
        );
      }
      const groups = epochGroupsOf(e.updates, shape.groupSize);
      return { ...link(e), shape: withName(shape), prevRoot: e.prevRoot, root: e.root, groups };
    }
    const e = parse(linkSchema, entry, where);
    return {
      ...link(e),
      shape: withName(byName(e.shape, `${where}.shape`)),
      prevRoot: e.prevRoot,
      root: e.root,
      groups: e.groups,
    };
  });
}

function link(e: z.output<typeof hubEpochSchema> | z.output<typeof linkSchema>) {
  return {
    epoch: e.epoch,
    proof: e.proof,
    publicSignals: e.publicSignals,
    ...(e.dataCommitment !== undefined ? { dataCommitment: e.dataCommitment } : {}),
  };
}

function withName(s: CircuitShape): ProofChainLink['shape'] {
  return { name: s.name, k: s.k, groupSize: s.groupSize };
}

/** `--vkey [<shape>=]<file>`: without `<shape>=`, the shape is the file name's part before `.vkey.json`. */
function vkeyOption(value: string, previous: Map<string, string>): Map<string, string> {
  const m = /^([a-z0-9]{1,32})=(.+)$/.exec(value);
  const file = m ? m[2]! : value;
  const name = m ? m[1]! : path.basename(value).replace(/\.vkey\.json$/, '');
  return new Map(previous).set(name, file);
}

async function verifyChainCommand(file: string, opts: { vkey: Map<string, string>; keys?: string }): Promise<number> {
  let shapes: CircuitShape[];
  try {
    shapes = loadShapes();
  } catch (err) {
    throw new UsageError(
      `cannot read the epoch shapes: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }
  const epochs = epochsFromJson(readJson(file, 'epochs file'), shapes, path.basename(file));
  const keysDir = opts.keys ?? path.join(repoRoot(), 'circuits', 'keys');
  const vkeys = new Map<string, VerificationKey>();
  for (const name of new Set(epochs.map((e) => e.shape.name))) {
    const vkeyFile = opts.vkey.get(name) ?? path.join(keysDir, `${name}.vkey.json`);
    vkeys.set(name, readJson(vkeyFile, `verification key of shape ${name}`) as VerificationKey);
  }
  // Epoch 1 starts at the genesis root Zs(SHARED_DEPTH); a later first epoch starts wherever it says.
  const first = epochs[0]!;
  const sharedDepth = shapes.find((s) => s.name === first.shape.name)!.sharedDepth;
  const startRoot = first.epoch === 1n ? poseidonZeroHashes(sharedDepth)[sharedDepth] : undefined;
  const result = await verifyProofChain(epochs, vkeys, startRoot !== undefined ? { startRoot } : {});
  const counts = [...vkeys.keys()].map((n) => `${n} x${epochs.filter((e) => e.shape.name === n).length}`);
  process.stdout.write(
    `ok: ${result.epochs} epoch(s) verified, epoch ${result.firstEpoch}..${result.lastEpoch}, ` +
      `root ${result.startRoot} -> ${result.endRoot} (${counts.join(', ')})\n`,
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
    .description(
      "verify a JSON array of epochs: the hub's GET /roots/:epoch objects, or " +
        '{ epoch, shape, prevRoot, root, groups, proof, publicSignals }',
    )
    .argument('<epochs.json>')
    .option(
      '--vkey <[shape=]file>',
      "a shape's snarkjs verification key (repeatable; default <keys>/<shape>.vkey.json)",
      vkeyOption,
      new Map<string, string>(),
    )
    .option('--keys <dir>', 'folder of <shape>.vkey.json files (default circuits/keys)')
    .action(async (file: string, opts: { vkey: Map<string, string>; keys?: string }) => {
      code = await verifyChainCommand(file, opts);
    });
  await program.parseAsync(argv);
  return code;
}

if (require.main === module) {
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
}
