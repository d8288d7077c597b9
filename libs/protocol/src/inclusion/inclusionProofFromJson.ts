import { ProtocolDecodingError } from '../errors/encoding';
import { PRODUCTION_DEPTHS, type TreeDepths } from '../trees/depths';
import type { MessageWithProof } from './inclusionProof';
import { messageWithProofJsonSchema } from './inclusionProofJson';

/**
 * Parses the v1 JSON form (an object, or its JSON text) of a message and its proof, validated with zod; enforces the
 * path lengths of `depths` (default production). Never throws anything but a `ProtocolDecodingError`.
 * Mirrors the struct fields of contracts/src/interfaces/IInteropTypes.sol (JSON only: no on-chain counterpart).
 *
 * @example
 * const { message, proof } = inclusionProofFromJson(req.body, TEST_DEPTHS);
 */
export function inclusionProofFromJson(json: unknown, depths: TreeDepths = PRODUCTION_DEPTHS): MessageWithProof {
  const fail = (details: string, cause?: unknown): never => {
    throw new ProtocolDecodingError({ what: 'an inclusion proof (JSON)', details, cause });
  };
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json) as unknown;
    } catch (cause) {
      fail('invalid JSON text', cause);
    }
  }
  const parsed = messageWithProofJsonSchema.safeParse(value);
  if (!parsed.success) return fail(parsed.error.message, parsed.error);
  const { message, proof } = parsed.data;
  if (proof.batchPath.length !== depths.batchDepth) fail(`batchPath length ${proof.batchPath.length}`);
  if (proof.chainPath.length !== depths.chainDepth) fail(`chainPath length ${proof.chainPath.length}`);
  if (proof.sharedPath.length !== depths.sharedDepth) fail(`sharedPath length ${proof.sharedPath.length}`);
  return { message, proof };
}
