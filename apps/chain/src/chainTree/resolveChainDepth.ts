import { ConfigError } from '@interop/infra';
import type { Address } from 'viem';

import { MAX_CHAIN_DEPTH } from '../config/chainConfig';
import { UnsupportedChainDepthError } from '../errors/chainErrors';

export type ResolveChainDepthParameters = {
  /** Reads `CHAIN_DEPTH()` of the L1 InteropHub. */
  read: () => Promise<number>;
  /** The `CHAIN_DEPTH` variable, if set. */
  configured: number | undefined;
  hub: Address;
  logger: { warn(message: string): void; log(message: string): void };
  /** Waits between attempts (tests pass one that records instead of waiting). */
  delay?: (ms: number) => Promise<void>;
  initialDelayMs?: number;
  maxDelayMs?: number;
};

/**
 * The network's chain-tree depth, as L1 InteropHub holds it (SPEC "Depths": an immutable of the contract). L1 not
 * answering is not fatal: the read is retried with a doubling delay capped at `maxDelayMs`, each failure logged, until
 * it answers.
 *
 * @throws {ConfigError} naming CHAIN_DEPTH when the variable is set and differs from L1's.
 * @throws {UnsupportedChainDepthError} when L1's depth is outside 1..MAX_CHAIN_DEPTH.
 */
export async function resolveChainDepth(p: ResolveChainDepthParameters): Promise<number> {
  const delay = p.delay ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxDelayMs = p.maxDelayMs ?? 30_000;
  let waitMs = p.initialDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    let depth: number;
    try {
      depth = await p.read();
    } catch (e) {
      const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      p.logger.warn(
        `reading CHAIN_DEPTH() of L1 InteropHub ${p.hub} failed (attempt ${attempt}, retrying in ${waitMs} ms): ${reason}`,
      );
      await delay(waitMs);
      waitMs = Math.min(waitMs * 2, maxDelayMs);
      continue;
    }
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_CHAIN_DEPTH) {
      throw new UnsupportedChainDepthError({ hub: p.hub, chainDepth: depth, max: MAX_CHAIN_DEPTH });
    }
    if (p.configured !== undefined && p.configured !== depth) {
      throw new ConfigError([
        { variable: 'CHAIN_DEPTH', reason: `is ${p.configured} but L1 InteropHub ${p.hub} has CHAIN_DEPTH ${depth}` },
      ]);
    }
    p.logger.log(`chain tree depth ${depth} (CHAIN_DEPTH of L1 InteropHub ${p.hub})`);
    return depth;
  }
}
