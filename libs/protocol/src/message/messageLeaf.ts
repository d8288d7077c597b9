import type { Hex } from 'viem';
import { keccakBytes } from '../bytes/keccak';
import type { InteropMessage } from './interopMessage';
import { packMessage } from './packMessage';

/**
 * The batch-tree leaf of a message, `keccak256(abi.encode(m))`; also the message id. The encoding is packed by hand
 * and hashed as bytes (see {@link packMessage}), no generic ABI code on this hot path.
 * Mirrors `MessageHashing.leaf` in contracts/src/libraries/MessageHashing.sol.
 *
 * @throws {InvalidMessageError} if a field does not fit its Solidity type.
 *
 * @example
 * const id = messageLeaf(message); // 0x-prefixed bytes32
 */
export function messageLeaf(m: InteropMessage): Hex {
  return keccakBytes(packMessage(m));
}
