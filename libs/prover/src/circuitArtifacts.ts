import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { shapeId } from '@interop/protocol';
import { z } from 'zod';

import { CircuitArtifactsMissingError, CircuitShapeError } from './errors';
import { repoRoot } from './repoRoot';
import type { CircuitShape } from './types';

/** Paths of one built epoch shape's circuit. */
export type CircuitArtifacts = {
  shape: string;
  /** witness generator, circuits/build/<shape>/aggregation_<shape>_js/aggregation_<shape>.wasm */
  wasm: string;
  /** proving key, circuits/build/<shape>/aggregation_<shape>.zkey */
  zkey: string;
  /** constraint system, circuits/build/<shape>/aggregation_<shape>.r1cs */
  r1cs: string;
  /** committed verification key, circuits/keys/<shape>.vkey.json */
  vkey: string;
};

export type CircuitArtifactsOptions = {
  /** repository root (default: found from this file) */
  root?: string;
  /** only compute the paths, do not check that the files exist */
  allowMissing?: boolean;
};

const SHAPE_NAME = /^[a-z0-9]{1,32}$/;

/**
 * Paths of the wasm, zkey, r1cs and verification key of an epoch shape built by scripts/build-circuits.ts.
 *
 * @throws CircuitArtifactsMissingError (code CIRCUIT_ARTIFACTS_MISSING) naming the missing files and the build
 *   command, unless `allowMissing`. @throws CircuitShapeError for a name that is not a shape name.
 * @example
 * const { wasm, zkey, vkey } = circuitArtifacts('s4');
 */
export function circuitArtifacts(shape: string, options: CircuitArtifactsOptions = {}): CircuitArtifacts {
  if (!SHAPE_NAME.test(shape)) throw new CircuitShapeError(`"${shape}" is not a shape name (circuits/shapes)`);
  const root = options.root ?? repoRoot();
  const build = path.join(root, 'circuits', 'build', shape);
  const name = `aggregation_${shape}`;
  const artifacts: CircuitArtifacts = {
    shape,
    wasm: path.join(build, `${name}_js`, `${name}.wasm`),
    zkey: path.join(build, `${name}.zkey`),
    r1cs: path.join(build, `${name}.r1cs`),
    vkey: path.join(root, 'circuits', 'keys', `${shape}.vkey.json`),
  };
  if (!options.allowMissing) {
    const missing = [artifacts.wasm, artifacts.zkey, artifacts.r1cs, artifacts.vkey]
      .filter((p) => !existsSync(p))
      .map((p) => path.relative(root, p));
    if (missing.length > 0) throw new CircuitArtifactsMissingError(shape, missing);
  }
  return artifacts;
}

const shapeFileSchema = z
  .object({
    name: z.string().regex(SHAPE_NAME),
    groups: z.number().int().min(1).max(65_535),
    groupSize: z
      .number()
      .int()
      .min(2)
      .max(32_768)
      .refine((m) => (m & (m - 1)) === 0, 'must be a power of two'),
    chainDepth: z.number().int().min(1).max(64),
    sharedDepth: z.number().int().min(1).max(24),
  })
  .strict()
  .refine((s) => s.groupSize <= 2 ** s.chainDepth, {
    message: 'groupSize exceeds the chain tree',
    path: ['groupSize'],
  });

/**
 * The epoch shapes of circuits/shapes/*.json (validated; the file name must be the shape's name), smallest K first.
 *
 * @throws CircuitShapeError naming the file and the field.
 * @example
 * loadShapes().map((s) => s.name); // ['s2', 's4', 'l32']
 */
export function loadShapes(root: string = repoRoot()): CircuitShape[] {
  const dir = path.join(root, 'circuits', 'shapes');
  if (!existsSync(dir)) throw new CircuitShapeError(`${dir} does not exist`);
  const shapes = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
      } catch (e) {
        throw new CircuitShapeError(`circuits/shapes/${f}: not JSON (${e instanceof Error ? e.message : String(e)})`);
      }
      const parsed = shapeFileSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new CircuitShapeError(`circuits/shapes/${f}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      }
      if (`${parsed.data.name}.json` !== f) {
        throw new CircuitShapeError(`circuits/shapes/${f}: name "${parsed.data.name}" must match the file name`);
      }
      return { ...parsed.data, k: parsed.data.groups * parsed.data.groupSize };
    });
  return shapes.sort((a, b) => a.k - b.k || a.groups - b.groups || a.name.localeCompare(b.name));
}

/**
 * The circuits/shapes shape whose L1 id is `id` (`groups * 2^16 + groupSize`, SPEC "Epoch shape"), if this checkout
 * has one: how an epoch's shape id from the hub API or L1 is named.
 */
export function shapeOfId(id: number, shapes: readonly CircuitShape[] = loadShapes()): CircuitShape | undefined {
  return shapes.find((s) => shapeId(s) === id);
}
