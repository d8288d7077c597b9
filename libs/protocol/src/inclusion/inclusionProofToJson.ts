import type { InteropMessage } from '../message/interopMessage';
import { interopMessageToJson } from '../message/interopMessage';
import type { InclusionProof } from './inclusionProof';
import type { MessageWithProofJson } from './inclusionProofJson';

/**
 * The v1 JSON form of a message and its inclusion proof: `{ version: 1, message, proof }`, integers as decimal
 * strings, bytes as 0x-hex (SPEC "Inclusion proof"). Safe for `JSON.stringify`.
 * Mirrors the struct fields of contracts/src/interfaces/IInteropTypes.sol (JSON only: no on-chain counterpart).
 *
 * @example
 * res.json(inclusionProofToJson(message, proof));
 */
export function inclusionProofToJson(message: InteropMessage, proof: InclusionProof): MessageWithProofJson {
  return {
    version: 1,
    message: interopMessageToJson(message),
    proof: {
      epoch: proof.epoch.toString(),
      leafIndex: proof.leafIndex.toString(),
      batchPath: proof.batchPath.map((h) => h.toLowerCase() as `0x${string}`),
      batchNumber: proof.batchNumber.toString(),
      chainPath: proof.chainPath.map((x) => x.toString()),
      slot: proof.slot.toString(),
      sharedPath: proof.sharedPath.map((x) => x.toString()),
    },
  };
}
