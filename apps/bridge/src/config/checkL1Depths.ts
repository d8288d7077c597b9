import { ConfigError, type ConfigIssue } from '@interop/infra';
import { Logger } from '@nestjs/common';

import type { BridgeConfig } from './bridgeConfig';

/** The Poseidon tree depths of the network, immutables of the L1 InteropHub (SPEC "Depths"). */
export type L1Depths = { chainDepth: number; sharedDepth: number };

/** Reads `InteropHub.CHAIN_DEPTH()` / `SHARED_DEPTH()` (undefined when no hub address is configured). */
export type L1DepthsReader = { l1Depths(): Promise<L1Depths | undefined> };

export type CheckL1DepthsOptions = {
  /** First wait after a failed read (default 500 ms); doubled after each failure. */
  initialBackoffMs?: number;
  /** Longest wait between two reads (default 10 s). */
  maxBackoffMs?: number;
  /** Where retries are reported (default: a Nest logger named L1Depths). */
  warn?: (message: string) => void;
};

/**
 * Checks at boot that the bridge's CHAIN_DEPTH and SHARED_DEPTH are those of the L1 InteropHub (with L1_HUB_ADDRESS;
 * without one there is nothing to compare with). A bridge whose trees had other depths would reject every settled
 * root, or build inclusion proofs no handler accepts. While L1 cannot be read it retries with capped exponential
 * backoff, logging each failure: an L1 outage delays the boot, it never makes the bridge exit.
 *
 * @returns the depths read from L1, or undefined without L1_HUB_ADDRESS.
 * @throws {ConfigError} naming CHAIN_DEPTH and/or SHARED_DEPTH when they differ from L1's.
 *
 * @example
 * await checkL1Depths(config, new ChainGateway(config));
 */
export async function checkL1Depths(
  config: Pick<BridgeConfig, 'depths' | 'L1_HUB_ADDRESS'>,
  l1: L1DepthsReader,
  options: CheckL1DepthsOptions = {},
): Promise<L1Depths | undefined> {
  if (!config.L1_HUB_ADDRESS) return undefined;
  const warn = options.warn ?? ((m: string) => new Logger('L1Depths').warn(m));
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  let backoff = Math.min(options.initialBackoffMs ?? 500, maxBackoff);
  let depths: L1Depths | undefined;
  for (;;) {
    try {
      depths = await l1.l1Depths();
      break;
    } catch (e) {
      const why = e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e);
      warn(
        `cannot read CHAIN_DEPTH/SHARED_DEPTH of the InteropHub ${config.L1_HUB_ADDRESS} on L1 (${why}); ` +
          `retrying in ${backoff} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, maxBackoff);
    }
  }
  if (!depths) return undefined;
  const issues: ConfigIssue[] = [];
  const compare = (variable: 'CHAIN_DEPTH' | 'SHARED_DEPTH', ours: number, theirs: number) => {
    if (ours !== theirs) {
      issues.push({
        variable,
        reason: `is ${ours}, but the L1 InteropHub ${config.L1_HUB_ADDRESS} has ${variable}() = ${theirs}`,
      });
    }
  };
  compare('CHAIN_DEPTH', config.depths.chainDepth, depths.chainDepth);
  compare('SHARED_DEPTH', config.depths.sharedDepth, depths.sharedDepth);
  if (issues.length > 0) throw new ConfigError(issues);
  return depths;
}
