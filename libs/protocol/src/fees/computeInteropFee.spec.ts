import fc from 'fast-check';
import { NegativeFeeParameterError } from '../errors/fee';
import { computeInteropFee } from './computeInteropFee';

const E18 = 10n ** 18n;

describe('computeInteropFee', () => {
  it('computes the SPEC formula on a worked example', () => {
    const params = { baseFee: 1000n, perByteFee: 16n, dstGasPrice: 1_000_000_000n, exchangeRateE18: E18 };
    expect(computeInteropFee(params, 100n, 200_000n)).toBe(1000n + 1600n + 200_000n * 1_000_000_000n);
  });
  it('rounds the gas part up, never down', () => {
    const params = { baseFee: 0n, perByteFee: 0n, dstGasPrice: 1n, exchangeRateE18: 1n };
    expect(computeInteropFee(params, 0n, 1n)).toBe(1n); // 1e-18 rounds up to 1 wei
    expect(computeInteropFee(params, 0n, 0n)).toBe(0n);
    expect(computeInteropFee({ ...params, exchangeRateE18: E18 }, 0n, 7n)).toBe(7n);
    expect(computeInteropFee({ ...params, exchangeRateE18: E18 + 1n }, 0n, 7n)).toBe(8n);
  });
  it('equals base + bytes + ceilDiv for random inputs (property)', () => {
    const u = fc.bigInt({ min: 0n, max: 2n ** 96n });
    fc.assert(
      fc.property(u, u, u, u, u, u, (baseFee, perByteFee, dstGasPrice, exchangeRateE18, len, gas) => {
        const fee = computeInteropFee({ baseFee, perByteFee, dstGasPrice, exchangeRateE18 }, len, gas);
        const gasPart = fee - baseFee - perByteFee * len;
        const exact = gas * dstGasPrice * exchangeRateE18;
        // gasPart is the smallest integer with gasPart * 1e18 >= exact.
        expect(gasPart * E18 >= exact).toBe(true);
        expect(gasPart === 0n || (gasPart - 1n) * E18 < exact).toBe(true);
      }),
    );
  });
  it('rejects negative inputs with a typed error naming the field', () => {
    const params = { baseFee: 1n, perByteFee: 1n, dstGasPrice: 1n, exchangeRateE18: 1n };
    expect(() => computeInteropFee({ ...params, baseFee: -1n }, 0n, 0n)).toThrow(NegativeFeeParameterError);
    expect(() => computeInteropFee({ ...params, exchangeRateE18: -1n }, 0n, 0n)).toThrow(/exchangeRateE18/);
    expect(() => computeInteropFee(params, -1n, 0n)).toThrow(/payloadLength/);
    expect(() => computeInteropFee(params, 0n, -5n)).toThrow(/gasLimit/);
  });
});
