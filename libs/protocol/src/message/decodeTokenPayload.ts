import { decodeAbiParameters, type Hex } from 'viem';
import { ProtocolDecodingError } from '../errors/encoding';
import { tokenPayloadAbiParameters, type TokenPayload } from './tokenPayload';

/**
 * Decodes a TOKEN message payload (inverse of `encodeTokenPayload`). Untrusted input: any failure is a
 * `ProtocolDecodingError`. Mirrors the `abi.decode` in `NativeTokenVault` (contracts/src).
 *
 * @example
 * const { originChainId, originToken, symbol } = decodeTokenPayload(message.payload);
 */
export function decodeTokenPayload(payload: Hex): TokenPayload {
  try {
    if (typeof payload !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(payload)) throw new Error('not 0x-hex bytes');
    const [originChainId, originVault, originToken, name, symbol, decimals] = decodeAbiParameters(
      tokenPayloadAbiParameters,
      payload,
    );
    return { originChainId, originVault, originToken, name, symbol, decimals };
  } catch (cause) {
    throw new ProtocolDecodingError({
      what: 'a token payload',
      details: cause instanceof Error ? cause.message.split('\n')[0]! : String(cause),
      cause,
    });
  }
}
