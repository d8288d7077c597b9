import { existsSync } from 'node:fs';
import path from 'node:path';

import { CircuitArtifactsMissingError } from './errors';
import { repoRoot } from './repoRoot';
import type { CircuitInstance } from './types';

/** Paths of one built circuit instance. */
export type CircuitArtifacts = {
  instance: CircuitInstance;
  /** witness generator, circuits/build/<instance>/aggregation_<instance>_js/aggregation_<instance>.wasm */
  wasm: string;
  /** proving key, circuits/build/<instance>/aggregation_<instance>.zkey */
  zkey: string;
  /** constraint system, circuits/build/<instance>/aggregation_<instance>.r1cs */
  r1cs: string;
  /** committed verification key, circuits/keys/<instance>.vkey.json */
  vkey: string;
};

export type CircuitArtifactsOptions = {
  /** repository root (default: found from this file) */
  root?: string;
  /** only compute the paths, do not check that the files exist */
  allowMissing?: boolean;
};

/**
 * Paths of the wasm, zkey, r1cs and verification key of a circuit instance built by scripts/build-circuits.mjs.
 *
 * @throws CircuitArtifactsMissingError (code CIRCUIT_ARTIFACTS_MISSING) naming the missing files and the build
 *   command, unless `allowMissing`.
 * @example
 * const { wasm, zkey, vkey } = circuitArtifacts('test');
 */
export function circuitArtifacts(instance: CircuitInstance, options: CircuitArtifactsOptions = {}): CircuitArtifacts {
  const root = options.root ?? repoRoot();
  const build = path.join(root, 'circuits', 'build', instance);
  const name = `aggregation_${instance}`;
  const artifacts: CircuitArtifacts = {
    instance,
    wasm: path.join(build, `${name}_js`, `${name}.wasm`),
    zkey: path.join(build, `${name}.zkey`),
    r1cs: path.join(build, `${name}.r1cs`),
    vkey: path.join(root, 'circuits', 'keys', `${instance}.vkey.json`),
  };
  if (!options.allowMissing) {
    const missing = [artifacts.wasm, artifacts.zkey, artifacts.r1cs, artifacts.vkey]
      .filter((p) => !existsSync(p))
      .map((p) => path.relative(root, p));
    if (missing.length > 0) throw new CircuitArtifactsMissingError(instance, missing);
  }
  return artifacts;
}
