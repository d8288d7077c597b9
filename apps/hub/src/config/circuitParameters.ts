import { readFileSync } from 'node:fs';
import path from 'node:path';

import { repoRoot } from '@interop/prover/repoRoot';
import { z } from 'zod';

/** Depths, K and group size of a circuit instance (circuits/instances/<name>.json, read by the circuit build). */
export type CircuitParameters = {
  instance: 'test' | 'prod';
  k: number;
  groupSize: number;
  chainDepth: number;
  sharedDepth: number;
};

const instanceSchema = z.object({
  name: z.enum(['test', 'prod']),
  k: z.number().int().positive(),
  groupSize: z.number().int().positive(),
  chainDepth: z.number().int().positive(),
  sharedDepth: z.number().int().positive(),
});

/**
 * Reads the parameters of CIRCUIT_INSTANCE from circuits/instances: the hub's trees and K must be exactly the
 * circuit's (and the L1 InteropHub's), or no proof would verify.
 */
export function circuitParameters(instance: 'test' | 'prod'): CircuitParameters {
  const file = path.join(repoRoot(), 'circuits', 'instances', `${instance}.json`);
  const parsed = instanceSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  return {
    instance: parsed.name,
    k: parsed.k,
    groupSize: parsed.groupSize,
    chainDepth: parsed.chainDepth,
    sharedDepth: parsed.sharedDepth,
  };
}
