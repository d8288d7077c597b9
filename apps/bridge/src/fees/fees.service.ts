import { computeInteropFee } from '@interop/protocol';
import { Injectable, Inject } from '@nestjs/common';

import { ChainGateway } from '../chains/chainGateway';
import { RouteNotConfiguredError } from '../errors/bridgeErrors';
import { FeePoliciesRepository, type FeePolicyView } from './feePolicies.repository';

/** A fee quote: what `InteropCenter(src).quoteFee(dst, bytes, gasLimit)` asks, and how it is made up. */
export type FeeQuote = {
  src: string;
  dst: string;
  bytes: string;
  gasLimit: string;
  fee: string;
  currency: string;
  params: { baseFee: string; perByteFee: string; dstGasPrice: string; exchangeRateE18: string };
};

/**
 * Fee quotes and fee-policy versions. A quote reads the fee parameters the source InteropCenter uses for the
 * destination and applies libs/protocol's `computeInteropFee` (the same formula as `FeeMath.quote`), so it equals
 * the contract's quote.
 */
@Injectable()
export class FeesService {
  constructor(
    @Inject(ChainGateway) private readonly chains: ChainGateway,
    @Inject(FeePoliciesRepository) private readonly policies: FeePoliciesRepository,
  ) {}

  async quote(src: bigint, dst: bigint, bytes: bigint, gasLimit: bigint): Promise<FeeQuote> {
    this.chains.chain(src);
    const params = await this.chains.feeParams(src, dst);
    // InteropCenter refuses a route whose parameters were never set (all zero): say so instead of quoting 0.
    if (
      params.baseFee === 0n &&
      params.perByteFee === 0n &&
      params.dstGasPrice === 0n &&
      params.exchangeRateE18 === 0n
    ) {
      throw new RouteNotConfiguredError(src, dst);
    }
    const fee = computeInteropFee(params, bytes, gasLimit);
    return {
      src: src.toString(),
      dst: dst.toString(),
      bytes: bytes.toString(),
      gasLimit: gasLimit.toString(),
      fee: fee.toString(),
      currency: `native:${src}`,
      params: {
        baseFee: params.baseFee.toString(),
        perByteFee: params.perByteFee.toString(),
        dstGasPrice: params.dstGasPrice.toString(),
        exchangeRateE18: params.exchangeRateE18.toString(),
      },
    };
  }

  listPolicies(): Promise<FeePolicyView[]> {
    return this.policies.list();
  }

  createPolicy(p: {
    burnBps: number;
    stakingBps: number;
    treasuryBps: number;
    activeFrom?: Date | undefined;
    description?: string | undefined;
  }): Promise<FeePolicyView> {
    return this.policies.create({ ...p, activeFrom: p.activeFrom ?? new Date() });
  }
}
