import type { Abi } from 'viem';

/**
 * Widens a typed ABI const to `Abi`, for test helpers that take the function name as a plain string (viem then
 * returns `unknown`, which the helper narrows explicitly).
 */
export function looseAbi(abi: readonly unknown[]): Abi {
  return abi as Abi;
}
