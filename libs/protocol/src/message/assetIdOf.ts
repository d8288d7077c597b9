import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem';
import { InvalidMessageError } from '../errors/encoding';

/**
 * Asset id of a token: `keccak256(abi.encode(uint256 originChainId, address vault, address token))`.
 * Mirrors contracts/src/libraries/AssetId.sol.
 *
 * @throws {InvalidMessageError} on an invalid address or a chain id outside uint256.
 *
 * @example
 * assetIdOf(31337n, '0x5FbDB2315678afecb367f032d93F642f64180aa3', '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512');
 */
export function assetIdOf(originChainId: bigint, vault: Address, token: Address): Hex {
  try {
    return keccak256(
      encodeAbiParameters(
        [{ type: 'uint256' }, { type: 'address' }, { type: 'address' }],
        [originChainId, vault, token],
      ),
    );
  } catch (cause) {
    throw new InvalidMessageError({
      details: cause instanceof Error ? cause.message.split('\n')[0]! : String(cause),
      cause,
    });
  }
}
