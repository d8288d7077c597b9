import { encodeAbiParameters, type Hex } from 'viem';
import { InvalidMessageError } from '../errors/encoding';
import { tokenPayloadAbiParameters, type TokenPayload } from './tokenPayload';

/**
 * `abi.encode(uint256 originChainId, address originVault, address originToken, string name, string symbol,
 * uint8 decimals)`: the payload of a TOKEN message. Mirrors the payload built by `NativeTokenVault` in contracts/src.
 *
 * @throws {InvalidMessageError} if a field does not fit its type.
 *
 * @example
 * encodeTokenPayload({ originChainId: 31337n, originVault, originToken, name: 'USD Coin', symbol: 'USDC', decimals: 6 });
 */
export function encodeTokenPayload(p: TokenPayload): Hex {
  try {
    return encodeAbiParameters(tokenPayloadAbiParameters, [
      p.originChainId,
      p.originVault,
      p.originToken,
      p.name,
      p.symbol,
      p.decimals,
    ]);
  } catch (cause) {
    throw new InvalidMessageError({
      details: cause instanceof Error ? cause.message.split('\n')[0]! : String(cause),
      cause,
    });
  }
}
