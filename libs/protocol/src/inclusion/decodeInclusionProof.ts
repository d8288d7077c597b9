import { decodeAbiParameters, type Hex } from 'viem';
import { ProtocolDecodingError } from '../errors/encoding';
import type { InteropMessage } from '../message/interopMessage';
import { BN254_FIELD_ORDER } from '../poseidon/bn254FieldOrder';
import { PRODUCTION_DEPTHS, type TreeDepths } from '../trees/depths';
import { compactProofAbiParameters, encodeInclusionProof } from './encodeInclusionProof';
import { INCLUSION_PROOF_VERSION, type MessageWithProof } from './inclusionProof';

/** Options of {@link decodeInclusionProof}. */
export type DecodeInclusionProofOptions = {
  /** Path lengths to enforce (default production). */
  depths?: TreeDepths;
  /** Largest input accepted, in bytes (default 1 MiB), checked before decoding. */
  maxBytes?: number;
};

/**
 * Decodes untrusted compact bytes (`abi.encode(uint8 version, InteropMessage, InclusionProof)`). Enforces version 1,
 * the configured path lengths, Poseidon siblings < r and a canonical encoding (re-encoding gives the same bytes, so
 * no trailing data or odd offsets). Never throws anything but a `ProtocolDecodingError`.
 * Mirrors `abi.decode(data, (uint8, InteropMessage, InclusionProof))` in contracts/src/InteropHandler.sol.
 *
 * @example
 * const { message, proof } = decodeInclusionProof(bytes, { depths: PRODUCTION_DEPTHS });
 */
export function decodeInclusionProof(bytes: Hex, options: DecodeInclusionProofOptions = {}): MessageWithProof {
  const depths = options.depths ?? PRODUCTION_DEPTHS;
  const maxBytes = options.maxBytes ?? 1 << 20;
  const fail = (details: string, cause?: unknown): never => {
    throw new ProtocolDecodingError({ what: 'an inclusion proof (compact bytes)', details, cause });
  };
  if (typeof bytes !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(bytes)) fail('input is not 0x-prefixed hex bytes');
  if ((bytes.length - 2) / 2 > maxBytes) fail(`input is longer than ${maxBytes} bytes`);
  let decoded: readonly [number, InteropMessage, MessageWithProof['proof']] | undefined;
  try {
    const [version, m, p] = decodeAbiParameters(compactProofAbiParameters, bytes);
    decoded = [
      version,
      { ...m, kind: m.kind },
      { ...p, batchPath: [...p.batchPath], chainPath: [...p.chainPath], sharedPath: [...p.sharedPath] },
    ];
  } catch (cause) {
    fail(cause instanceof Error ? (cause.message.split('\n')[0] as string) : String(cause), cause);
  }
  const [version, message, proof] = decoded as NonNullable<typeof decoded>;
  if (version !== INCLUSION_PROOF_VERSION) fail(`unsupported version ${version}`);
  const kind = Number(message.kind);
  if (kind !== 0 && kind !== 1) fail(`unknown message kind ${kind}`);
  if (proof.batchPath.length !== depths.batchDepth) fail(`batchPath length ${proof.batchPath.length}`);
  if (proof.chainPath.length !== depths.chainDepth) fail(`chainPath length ${proof.chainPath.length}`);
  if (proof.sharedPath.length !== depths.sharedDepth) fail(`sharedPath length ${proof.sharedPath.length}`);
  for (const v of [...proof.chainPath, ...proof.sharedPath]) {
    if (v >= BN254_FIELD_ORDER) fail('a Poseidon sibling is not a field element');
  }
  let canonical: Hex | undefined;
  try {
    canonical = encodeInclusionProof(message, proof);
  } catch (cause) {
    fail('cannot re-encode the decoded value', cause);
  }
  if (canonical !== bytes.toLowerCase()) fail('non-canonical encoding (trailing bytes or unusual offsets)');
  return { message, proof };
}
