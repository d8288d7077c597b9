/** Retry policy of the relayer (MAX_ATTEMPTS, BACKOFF_BASE_MS, BACKOFF_MAX_MS). */
export type BackoffPolicy = { maxAttempts: number; baseMs: number; maxMs: number };

/** What to do after a failed relay attempt. */
export type BackoffDecision =
  { kind: 'retry'; attempts: number; nextAttemptAt: Date } | { kind: 'give-up'; attempts: number };

/**
 * Exponential backoff with a cap: after the n-th failed attempt (n = attempts so far + 1) the next one waits
 * `min(baseMs * 2^(n-1), maxMs)`; once n reaches `maxAttempts` the message is given up (status `failed`).
 * No jitter: relayers do not share one endpoint's rate limit, and a deterministic schedule is easier to read.
 *
 * @example
 * nextAttempt({ maxAttempts: 5, baseMs: 1000, maxMs: 60000 }, 0, new Date(0)); // retry at 1 s, attempts 1
 */
export function nextAttempt(policy: BackoffPolicy, attemptsSoFar: number, now: Date): BackoffDecision {
  const attempts = attemptsSoFar + 1;
  if (attempts >= policy.maxAttempts) return { kind: 'give-up', attempts };
  // 2^(n-1) grows past any cap quickly: clamp the exponent so the multiplication stays a finite number.
  const delay = Math.min(policy.baseMs * 2 ** Math.min(attempts - 1, 40), policy.maxMs);
  return { kind: 'retry', attempts, nextAttemptAt: new Date(now.getTime() + delay) };
}
