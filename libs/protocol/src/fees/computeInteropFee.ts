import { NegativeFeeParameterError } from '../errors/fee';

/** Fee policy inputs, all integers in wei (exchange rate scaled by 1e18). */
export type FeeParams = {
  baseFee: bigint;
  perByteFee: bigint;
  /** Destination gas price, in destination-native wei. */
  dstGasPrice: bigint;
  /** Source-native wei per destination-native wei, scaled by 1e18. */
  exchangeRateE18: bigint;
};

const E18 = 10n ** 18n;

/**
 * The interop fee (SPEC "Interop fee"):
 * `baseFee + perByteFee * payloadLength + ceilDiv(gasLimit * dstGasPrice * exchangeRateE18, 1e18)`.
 * Mirrors `FeeMath.quote` in contracts/src/libraries/FeeMath.sol (used by `InteropCenter.quoteFee`).
 *
 * @throws {NegativeFeeParameterError} if any input is negative.
 *
 * @example
 * computeInteropFee({ baseFee: 1000n, perByteFee: 16n, dstGasPrice: 1_000_000_000n, exchangeRateE18: 10n ** 18n }, 100n, 200_000n);
 * // 200000000002600n
 */
export function computeInteropFee(params: FeeParams, payloadLength: bigint, gasLimit: bigint): bigint {
  const inputs: [string, bigint][] = [
    ['baseFee', params.baseFee],
    ['perByteFee', params.perByteFee],
    ['dstGasPrice', params.dstGasPrice],
    ['exchangeRateE18', params.exchangeRateE18],
    ['payloadLength', payloadLength],
    ['gasLimit', gasLimit],
  ];
  for (const [name, value] of inputs) if (value < 0n) throw new NegativeFeeParameterError({ name, value });
  const gasCost = gasLimit * params.dstGasPrice * params.exchangeRateE18;
  // ceilDiv for non-negative integers: rounds up so the fee never undercharges the destination gas.
  const gasFee = gasCost === 0n ? 0n : (gasCost - 1n) / E18 + 1n;
  return params.baseFee + params.perByteFee * payloadLength + gasFee;
}
