import { splitFee } from './feeSplit';
import { feeChargedEntry, feeEarnedEntry, gasShares, relayGasEntry, toSourceWei } from './ledgerRules';

const split = { version: 3, burnBps: 2_000, stakingBps: 3_000, treasuryBps: 5_000 };
const sum = (xs: { amount: bigint }[]) => xs.reduce((a, p) => a + p.amount, 0n);

describe('splitFee', () => {
  it('rounds burn and staking down and gives the remainder to the treasury', () => {
    expect(splitFee(1_001n, split)).toEqual({ burn: 200n, staking: 300n, treasury: 501n });
    expect(splitFee(0n, split)).toEqual({ burn: 0n, staking: 0n, treasury: 0n });
    const big = 2n ** 255n + 7n;
    const parts = splitFee(big, { burnBps: 3_333, stakingBps: 3_333, treasuryBps: 3_334 });
    expect(parts.burn + parts.staking + parts.treasury).toBe(big);
  });

  it('refuses a split that does not sum to 10000 and negative amounts', () => {
    expect(() => splitFee(1n, { burnBps: 5_000, stakingBps: 5_000, treasuryBps: 1 })).toThrow(RangeError);
    expect(() => splitFee(-1n, split)).toThrow(RangeError);
  });
});

describe('ledger posting rules', () => {
  it('fee charged: debit fees held, credit fees unearned, in the source coin; nothing for a zero fee', () => {
    const e = feeChargedEntry({ id: '0xab', srcChainId: 501n, fee: 1_000n })!;
    expect(e.idempotencyKey).toBe('fee:0xab');
    expect(e.postings.map((p) => [p.account.code, p.amount, p.currency])).toEqual([
      ['asset:fees-held:501', 1_000n, 'native:501'],
      ['liability:fees-unearned:501', -1_000n, 'native:501'],
    ]);
    expect(sum(e.postings)).toBe(0n);
    expect(feeChargedEntry({ id: '0xab', srcChainId: 501n, fee: 0n })).toBeNull();
  });

  it('relay gas: an expense on the destination, keyed by tx and message', () => {
    const e = relayGasEntry({ messageId: '0xab', dstChainId: 502n, txHash: '0xt', gasCost: 21_000n * 7n })!;
    expect(e.idempotencyKey).toBe('gas:0xt:0xab');
    expect(e.postings.map((p) => [p.account.code, p.amount, p.currency, p.chainId])).toEqual([
      ['expense:relayer-gas:502', 147_000n, 'native:502', 502n],
      ['asset:relayer-wallet:502', -147_000n, 'native:502', 502n],
    ]);
  });

  it('fee earned: recovers gas first, splits the net revenue, balances exactly', () => {
    const { entry, recovered, net } = feeEarnedEntry({
      messageId: '0xab',
      srcChainId: 501n,
      fee: 10_001n,
      gasCostInSource: 4_000n,
      split,
    });
    expect([recovered, net]).toEqual([4_000n, 6_001n]);
    expect(entry!.postings.map((p) => [p.account.code, p.amount])).toEqual([
      ['liability:fees-unearned:501', 10_001n],
      ['liability:relayer-gas-recovery:501', -4_000n],
      ['liability:burn:501', -1_200n],
      ['liability:staking-rewards:501', -1_800n],
      ['liability:treasury:501', -3_001n],
    ]);
    expect(sum(entry!.postings)).toBe(0n);
  });

  it('fee earned: gas above the fee recovers only the fee and leaves no revenue (zero postings dropped)', () => {
    const { entry, recovered, net } = feeEarnedEntry({
      messageId: '0xab',
      srcChainId: 501n,
      fee: 100n,
      gasCostInSource: 1_000n,
      split,
    });
    expect([recovered, net]).toEqual([100n, 0n]);
    expect(entry!.postings.map((p) => p.amount)).toEqual([100n, -100n]);
  });

  it('converts destination wei to source wei rounding up, and shares gas exactly', () => {
    expect(toSourceWei(3n, 10n ** 18n / 2n)).toBe(2n);
    expect(toSourceWei(0n, 5n)).toBe(0n);
    expect(toSourceWei(10n, 2n * 10n ** 18n)).toBe(20n);
    expect(gasShares(10n, 3)).toEqual([4n, 3n, 3n]);
    expect(gasShares(9n, 1)).toEqual([9n]);
    expect(gasShares(5n, 0)).toEqual([]);
  });
});
