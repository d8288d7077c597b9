import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { MessageWithProofJson } from '@interop/protocol';
import { loadShapes } from '@interop/prover/circuitArtifacts';
import type { CircuitShape, VerificationKey } from '@interop/prover/types';
import type { Hex } from 'viem';

import { toJson, type Context } from '../context';
import { CliError, oneLine, UsageError } from '../errors';
import type { MessageJson } from '../format';
import { buildProofFile, parseProofFile, proofFileShape, verifyProofFile } from '../proofFile';
import { repoRoot } from '../settings';

/** circuits/shapes of this repository, or undefined when there is none (a proof file verified elsewhere). */
function repoShapes(): CircuitShape[] | undefined {
  try {
    return loadShapes(repoRoot());
  } catch {
    return undefined;
  }
}

/** `interop proof export <messageId> [--out file]`: the message's inclusion proof and its epoch's Groth16 proof. */
export async function proofExport(ctx: Context, id: Hex, opts: { out?: string }): Promise<void> {
  const m = await ctx.bridge.get<MessageJson>(`/messages/${id}`);
  const inclusion = m.inclusionProof as MessageWithProofJson | null | undefined;
  if (!inclusion) {
    throw new CliError(`message ${id} has no inclusion proof yet (status ${m.status}); it gets one when it is relayed`);
  }
  const epoch = await ctx.hub.get<Record<string, unknown>>(`/roots/${inclusion.proof.epoch}`);
  let shapes: CircuitShape[];
  try {
    shapes = loadShapes(repoRoot());
  } catch (e) {
    throw new CliError(`cannot read the epoch shapes (circuits/shapes): ${oneLine(e)}`);
  }
  const file = buildProofFile(id, inclusion, epoch, shapes);
  const text = `${JSON.stringify(file, null, 2)}\n`;
  if (opts.out) {
    try {
      writeFileSync(opts.out, text);
    } catch (e) {
      throw new CliError(`cannot write ${opts.out}: ${e instanceof Error ? e.message : String(e)}`);
    }
    ctx.note(`proof of message ${id} (epoch ${file.epoch.epoch}, shape ${file.shape.name}) written to ${opts.out}`);
    if (ctx.settings.json) ctx.out(toJson({ messageId: id, epoch: file.epoch.epoch, out: opts.out }));
    else ctx.out(opts.out);
  } else {
    process.stdout.write(text);
  }
}

/**
 * `interop proof verify <file> [--vkey file]`: offline, with nothing but the file and the verification key of its
 * epoch's shape (default circuits/keys/<shape>.vkey.json; the shape's name from circuits/shapes when the repository
 * is at hand, else from the file).
 */
export async function proofVerify(
  ctx: Pick<Context, 'out' | 'settings'>,
  fileName: string,
  opts: { vkey?: string },
): Promise<void> {
  let text: string;
  try {
    text = readFileSync(fileName, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${fileName}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const file = parseProofFile(text, fileName);
  const shapes = repoShapes();
  const vkeyPath =
    opts.vkey ?? path.join(repoRoot(), 'circuits', 'keys', `${proofFileShape(file, shapes).name}.vkey.json`);
  if (!existsSync(vkeyPath)) throw new UsageError(`verification key ${vkeyPath} does not exist (pass --vkey)`);
  let vkey: VerificationKey;
  try {
    vkey = JSON.parse(readFileSync(vkeyPath, 'utf8')) as VerificationKey;
  } catch {
    throw new UsageError(`verification key ${vkeyPath} is not JSON`);
  }
  const v = await verifyProofFile(file, vkey, shapes ? { shapes } : {});
  if (ctx.settings.json) {
    ctx.out(toJson({ ok: true, ...v, vkey: vkeyPath }));
    return;
  }
  ctx.out(
    [
      `ok: message ${v.messageId} (${v.srcChainId} -> ${v.dstChainId}) is in batch ${v.batchNumber} (leaf ${v.leafIndex})`,
      `    under the shared root ${v.root} of epoch ${v.epoch}`,
      `    whose Groth16 proof (shape ${v.shape}, ${v.prevRoot.slice(0, 10)}... -> ${v.root.slice(0, 10)}..., ${v.updates} update(s) in ${v.groups} group(s)) verifies with ${path.basename(vkeyPath)}`,
      ...(v.l1TxHash ? [`    settled on L1 in ${v.l1TxHash}`] : []),
    ].join('\n'),
  );
}
