import { BaseError, ContractFunctionRevertedError } from 'viem';

/**
 * The name of the custom error an L1 call reverted with (e.g. `ShapeNotActive`), when viem could decode it from the
 * contract's ABI; undefined for any other failure (RPC down, out of gas, an undecodable revert).
 *
 * @example
 * revertErrorName(err) === 'ChainIsPaused';
 */
export function revertErrorName(e: unknown): string | undefined {
  if (!(e instanceof BaseError)) return undefined;
  const reverted = e.walk((x) => x instanceof ContractFunctionRevertedError);
  return reverted instanceof ContractFunctionRevertedError ? reverted.data?.errorName : undefined;
}
