import type { Hex } from 'viem';
import { toHex } from '../bytes/hex';
import type { InteropMessage } from './interopMessage';
import { packMessage } from './packMessage';

/**
 * `abi.encode(m)` of an `InteropMessage` (one tuple parameter, so a 32-byte head offset comes first, exactly like
 * Solidity's `abi.encode` of a struct with a dynamic member), as hex. Hand-packed (see {@link packMessage}); equal to
 * viem's `encodeAbiParameters([interopMessageAbiParameter], [m])`. Mirrors `MessageHashing.encode` in
 * contracts/src/libraries/MessageHashing.sol.
 *
 * @throws {InvalidMessageError} if a field does not fit its Solidity type.
 *
 * @example
 * const bytes = encodeMessage(message);
 */
export function encodeMessage(m: InteropMessage): Hex {
  return toHex(packMessage(m));
}
