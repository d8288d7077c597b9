import { ConfigError } from '@interop/infra';
import { shapeId } from '@interop/protocol';
import { circuitArtifacts, loadShapes } from '@interop/prover';
import { Logger } from '@nestjs/common';

import type { L1Depths } from '../l1/l1Hub.repository';
import type { HubShape } from '../epochs/shapeRegistry';
import type { HubConfig } from './hubConfig';

/** What the hub learns at boot: the network's depths (from L1) and the epoch shapes it can prove. */
export type HubNetwork = { chainDepth: number; sharedDepth: number; shapes: HubShape[] };

/**
 * Reads CHAIN_DEPTH and SHARED_DEPTH from the L1 InteropHub (retrying with capped backoff while L1 is away: a hub
 * does not exit on an outage) and selects the configured shapes of circuits/shapes. Fails fast, naming EPOCH_SHAPES,
 * when a configured shape is unknown, built for other depths than L1's, or (in-process proving) not built here.
 */
export async function loadHubNetwork(
  config: Pick<HubConfig, 'EPOCH_SHAPES' | 'PROVER_MODE'>,
  l1: { depths(): Promise<L1Depths> },
  options: { maxBackoffMs?: number } = {},
): Promise<HubNetwork> {
  const logger = new Logger('HubNetwork');
  let backoff = 500;
  let depths: L1Depths;
  for (;;) {
    try {
      depths = await l1.depths();
      break;
    } catch (e) {
      logger.warn(
        `cannot read the InteropHub's depths from L1 (${e instanceof Error ? e.message : String(e)}); retrying in ${backoff} ms`,
      );
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, options.maxBackoffMs ?? 10_000);
    }
  }
  const all = loadShapes();
  const wanted = config.EPOCH_SHAPES ? config.EPOCH_SHAPES.split(',') : all.map((s) => s.name);
  const problems: string[] = [];
  const shapes: HubShape[] = [];
  for (const name of wanted) {
    const s = all.find((x) => x.name === name);
    if (!s) {
      problems.push(`${name} is not in circuits/shapes`);
      continue;
    }
    if (s.chainDepth !== depths.chainDepth || s.sharedDepth !== depths.sharedDepth) {
      problems.push(
        `${name} is built for depths ${s.chainDepth}/${s.sharedDepth}, L1 has ${depths.chainDepth}/${depths.sharedDepth}`,
      );
      continue;
    }
    if (config.PROVER_MODE === 'in-process') {
      try {
        circuitArtifacts(name);
      } catch (e) {
        problems.push(e instanceof Error ? e.message : String(e));
        continue;
      }
    }
    shapes.push({
      name,
      shapeId: shapeId({ k: s.k, groupSize: s.groupSize }),
      k: s.k,
      groupSize: s.groupSize,
      groups: s.groups,
    });
  }
  if (problems.length > 0 || shapes.length === 0) {
    throw new ConfigError([{ variable: 'EPOCH_SHAPES', reason: problems.join('; ') || 'no shape selected' }]);
  }
  return { ...depths, shapes };
}
