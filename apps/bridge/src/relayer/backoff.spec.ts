import { nextAttempt } from './backoff';

describe('nextAttempt (relay backoff)', () => {
  const policy = { maxAttempts: 5, baseMs: 1_000, maxMs: 5_000 };
  const now = new Date('2026-01-01T00:00:00.000Z');

  it('doubles the delay after each failure, up to the cap', () => {
    const delays = [0, 1, 2, 3].map((n) => {
      const d = nextAttempt(policy, n, now);
      if (d.kind !== 'retry') throw new Error(`gave up after ${n}`);
      return [d.attempts, d.nextAttemptAt.getTime() - now.getTime()];
    });
    expect(delays).toEqual([
      [1, 1_000],
      [2, 2_000],
      [3, 4_000],
      [4, 5_000],
    ]);
  });

  it('gives up when the attempts reach MAX_ATTEMPTS', () => {
    expect(nextAttempt(policy, 4, now)).toEqual({ kind: 'give-up', attempts: 5 });
    expect(nextAttempt({ ...policy, maxAttempts: 1 }, 0, now)).toEqual({ kind: 'give-up', attempts: 1 });
  });

  it('stays finite for huge attempt counts', () => {
    const d = nextAttempt({ maxAttempts: 10_000, baseMs: 1_000, maxMs: 60_000 }, 5_000, now);
    expect(d).toEqual({ kind: 'retry', attempts: 5_001, nextAttemptAt: new Date(now.getTime() + 60_000) });
  });
});
