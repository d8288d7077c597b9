/** Revenue split in basis points (sum 10000). */
export type SplitBps = { burnBps: number; stakingBps: number; treasuryBps: number };

/** The three parts of a split amount (they always sum to the amount). */
export type FeeSplit = { burn: bigint; staking: bigint; treasury: bigint };

/**
 * Splits `amount` (wei) by basis points: burn and staking are rounded down, the treasury takes the remainder, so
 * the parts sum to the amount exactly and no wei is created or lost.
 *
 * @throws {RangeError} if the basis points are not non-negative integers summing to 10000, or amount < 0.
 *
 * @example
 * splitFee(1001n, { burnBps: 2000, stakingBps: 3000, treasuryBps: 5000 }); // { burn: 200n, staking: 300n, treasury: 501n }
 */
export function splitFee(amount: bigint, bps: SplitBps): FeeSplit {
  const parts = [bps.burnBps, bps.stakingBps, bps.treasuryBps];
  if (parts.some((p) => !Number.isInteger(p) || p < 0) || parts.reduce((a, b) => a + b, 0) !== 10_000) {
    throw new RangeError(`split ${parts.join('/')} must be non-negative integers summing to 10000`);
  }
  if (amount < 0n) throw new RangeError(`cannot split a negative amount ${amount}`);
  const burn = (amount * BigInt(bps.burnBps)) / 10_000n;
  const staking = (amount * BigInt(bps.stakingBps)) / 10_000n;
  return { burn, staking, treasury: amount - burn - staking };
}
