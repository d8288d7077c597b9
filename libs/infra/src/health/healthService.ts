import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';

import { HEALTH_CHECKS, type HealthCheck } from './healthCheck';
import type { HealthCheckResult, HealthReport } from './healthReport';

/** Per-check budget: a hung dependency must not hang `/health` (load balancers poll it with short timeouts). */
export const HEALTH_CHECK_TIMEOUT_MS = 3_000;

/** Runs the registered checks concurrently, each with a timeout, and summarises them. */
@Injectable()
export class HealthService implements OnModuleDestroy {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[]) {}

  /** The names of the registered checks. */
  names(): string[] {
    return this.checks.map((c) => c.name);
  }

  async report(): Promise<HealthReport> {
    const results = await Promise.all(this.checks.map(async (c) => [c.name, await run(c)] as const));
    const checks = Object.fromEntries(results);
    return { status: results.every(([, r]) => r.status === 'up') ? 'ok' : 'error', checks };
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled(this.checks.map(async (c) => c.close?.()));
  }
}

async function run(check: HealthCheck): Promise<HealthCheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${HEALTH_CHECK_TIMEOUT_MS} ms`)),
        HEALTH_CHECK_TIMEOUT_MS,
      );
    });
    const details = await Promise.race([check.check(), timeout]);
    const result: HealthCheckResult = { status: 'up', latencyMs: elapsed(started) };
    if (details) result.details = details;
    return result;
  } catch (e) {
    return { status: 'down', latencyMs: elapsed(started), error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
