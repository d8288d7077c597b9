import { encodeAbiParameters, type Hex } from 'viem';
import { InvalidMessageError } from '../errors/encoding';
import type { InteropMessage } from '../message/interopMessage';
import { interopMessageAbiParameter } from '../message/interopMessage';
import { INCLUSION_PROOF_VERSION, inclusionProofAbiParameter, type InclusionProof } from './inclusionProof';

/** ABI parameters of the v1 compact encoding: `(uint8 version, InteropMessage m, InclusionProof p)`. */
export const compactProofAbiParameters = [
  { type: 'uint8', name: 'version' },
  interopMessageAbiParameter,
  inclusionProofAbiParameter,
] as const;

/**
 * Compact bytes of a message and its inclusion proof: `abi.encode(uint8(1), m, p)` (SPEC "Inclusion proof").
 * Mirrors the `abi.decode` of `InteropHandler.executeMessage` (contracts/src/InteropHandler.sol) and the
 * InteropMessage / InclusionProof structs of contracts/src/interfaces/IInteropTypes.sol.
 *
 * @throws {InvalidMessageError} if a field does not fit its Solidity type.
 *
 * @example
 * const bytes = encodeInclusionProof(message, proof);
 */
export function encodeInclusionProof(message: InteropMessage, proof: InclusionProof): Hex {
  try {
    return encodeAbiParameters(compactProofAbiParameters, [INCLUSION_PROOF_VERSION, message, proof]);
  } catch (cause) {
    throw new InvalidMessageError({
      details: cause instanceof Error ? cause.message.split('\n')[0]! : String(cause),
      cause,
    });
  }
}
