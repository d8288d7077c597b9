import { keccak256, type Hex } from 'viem';
import { encodeMessage } from './encodeMessage';
import type { InteropMessage } from './interopMessage';

/**
 * The batch-tree leaf of a message, `keccak256(abi.encode(m))`; also the message id.
 * Mirrors `MessageHashing.leaf` in contracts/src/libraries/MessageHashing.sol.
 *
 * @throws {InvalidMessageError} if a field does not fit its Solidity type.
 *
 * @example
 * const id = messageLeaf(message); // 0x-prefixed bytes32
 */
export function messageLeaf(m: InteropMessage): Hex {
  return keccak256(encodeMessage(m));
}
