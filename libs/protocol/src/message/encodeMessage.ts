import { encodeAbiParameters, type Hex } from 'viem';
import { InvalidMessageError } from '../errors/encoding';
import { interopMessageAbiParameter, type InteropMessage } from './interopMessage';

/**
 * `abi.encode(m)` of an `InteropMessage` (one tuple parameter, so a 32-byte head offset comes first, exactly like
 * Solidity's `abi.encode` of a struct with a dynamic member). Mirrors `MessageHashing.encode` in
 * contracts/src/libraries/MessageHashing.sol.
 *
 * @throws {InvalidMessageError} if a field does not fit its Solidity type.
 *
 * @example
 * const bytes = encodeMessage(message);
 */
export function encodeMessage(m: InteropMessage): Hex {
  try {
    return encodeAbiParameters([interopMessageAbiParameter], [m]);
  } catch (cause) {
    throw new InvalidMessageError({
      details: cause instanceof Error ? cause.message.split('\n')[0]! : String(cause),
      cause,
    });
  }
}
