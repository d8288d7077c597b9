import { decodeTokenPayload } from '@interop/protocol';
import { Injectable, Inject } from '@nestjs/common';
import type { Hex } from 'viem';

import { ChainGateway } from '../chains/chainGateway';
import { AccountingRepository, type AccountTotal } from './accounting.repository';

/** Summary figures of one currency (wei, decimal strings). */
export type CurrencySummary = {
  currency: string;
  feesCharged: string;
  gasSpent: string;
  gasRecovered: string;
  net: string;
  burn: string;
  staking: string;
  treasury: string;
  feesUnearned: string;
};

/** A named reconciliation mismatch. */
export type Mismatch = { kind: 'fees' | 'supply'; subject: string; message: string };

/** Accounting views over the ledger, and reconciliation of the ledger against the chains. */
@Injectable()
export class AccountingService {
  constructor(
    @Inject(AccountingRepository) private readonly repo: AccountingRepository,
    @Inject(ChainGateway) private readonly chains: ChainGateway,
  ) {}

  /** Fees charged, gas spent, gas recovered, net revenue and its split, per currency, for entries in [from, to). */
  async summary(p: { from?: Date | undefined; to?: Date | undefined; chainId?: bigint | undefined }) {
    const totals = await this.repo.totals(p);
    const currencies = [...new Set(totals.map((t) => t.currency))].sort();
    return {
      from: p.from?.toISOString() ?? null,
      to: p.to?.toISOString() ?? null,
      chainId: p.chainId?.toString() ?? null,
      currencies: currencies.map((c) =>
        summarise(
          c,
          totals.filter((t) => t.currency === c),
        ),
      ),
    };
  }

  async entries(p: {
    cursor?: string | undefined;
    limit: number;
    kind?: string | undefined;
    messageId?: string | undefined;
  }) {
    const afterId = p.cursor && /^\d+$/.test(p.cursor) ? BigInt(p.cursor) : undefined;
    const rows = await this.repo.entries({ ...p, afterId });
    const last = rows[rows.length - 1];
    return {
      items: rows.map((e) => ({
        id: e.id.toString(),
        kind: e.kind,
        messageId: e.messageId,
        idempotencyKey: e.idempotencyKey,
        memo: e.memo,
        createdAt: e.createdAt.toISOString(),
        postings: e.postings.map((x) => ({
          account: x.accountCode,
          amount: x.amount.toFixed(),
          currency: x.currency,
          chainId: x.chainId.toString(),
        })),
      })),
      nextCursor: rows.length === p.limit && last ? last.id.toString() : null,
    };
  }

  /**
   * Ledger vs chains. Fees: per chain, fees booked (debits of `asset:fees-held:<c>`) plus fees of messages known but
   * not yet proven must equal `InteropCenter.feesCollected()`. Supply: per token asset, the amount locked in the
   * origin vault must equal the bridged supply on every other chain plus the amount in flight.
   */
  async reconcile() {
    const all = await this.repo.totals({});
    const fees = [];
    const mismatches: Mismatch[] = [];
    for (const chainId of this.chains.chainIds()) {
      const booked = all.find((t) => t.accountCode === `asset:fees-held:${chainId}`)?.total ?? 0n;
      const unbooked = await this.repo.unbookedFees(chainId);
      const onChain = await this.chains.feesCollected(chainId);
      const difference = onChain - booked - unbooked;
      fees.push({
        chainId: chainId.toString(),
        ledgerFeesBooked: booked.toString(),
        feesNotYetBooked: unbooked.toString(),
        feesCollectedOnChain: onChain.toString(),
        difference: difference.toString(),
        ok: difference === 0n,
      });
      if (difference !== 0n) {
        mismatches.push({
          kind: 'fees',
          subject: `chain ${chainId}`,
          message: `InteropCenter on chain ${chainId} collected ${onChain} wei but the ledger booked ${booked} (+${unbooked} not yet proven): difference ${difference}`,
        });
      }
    }
    const supply = [];
    for (const asset of await this.repo.tokenAssets()) {
      const { originChainId } = decodeTokenPayload(asset.payload as Hex);
      if (!this.chains.chainIds().includes(originChainId)) continue;
      const locked = await this.chains.lockedBalance(originChainId, asset.assetId as Hex);
      const bridged = [];
      let total = 0n;
      for (const c of this.chains.chainIds()) {
        if (c === originChainId) continue;
        const { token, supply: s } = await this.chains.bridgedSupply(c, asset.assetId as Hex);
        bridged.push({ chainId: c.toString(), token, supply: s.toString() });
        total += s;
      }
      const inFlight = await this.repo.tokensInFlight(asset.assetId);
      const difference = locked - total - inFlight;
      supply.push({
        assetId: asset.assetId,
        originChainId: originChainId.toString(),
        lockedOnOrigin: locked.toString(),
        bridged,
        bridgedTotal: total.toString(),
        inFlight: inFlight.toString(),
        difference: difference.toString(),
        ok: difference === 0n,
      });
      if (difference !== 0n) {
        mismatches.push({
          kind: 'supply',
          subject: `asset ${asset.assetId}`,
          message: `asset ${asset.assetId}: ${locked} locked on chain ${originChainId} but ${total} bridged elsewhere + ${inFlight} in flight: difference ${difference}`,
        });
      }
    }
    return { ok: mismatches.length === 0, checkedAt: new Date().toISOString(), fees, supply, mismatches };
  }
}

function summarise(currency: string, totals: AccountTotal[]): CurrencySummary {
  const sum = (prefix: string) =>
    totals.filter((t) => t.accountCode.startsWith(prefix)).reduce((a, t) => a + t.total, 0n);
  const burn = -sum('liability:burn:');
  const staking = -sum('liability:staking-rewards:');
  const treasury = -sum('liability:treasury:');
  return {
    currency,
    feesCharged: sum('asset:fees-held:').toString(),
    gasSpent: sum('expense:relayer-gas:').toString(),
    gasRecovered: (-sum('liability:relayer-gas-recovery:')).toString(),
    net: (burn + staking + treasury).toString(),
    burn: burn.toString(),
    staking: staking.toString(),
    treasury: treasury.toString(),
    feesUnearned: (-sum('liability:fees-unearned:')).toString(),
  };
}
