import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Hex } from 'viem';
import {
  decodeInclusionProof,
  inclusionProofFromJson,
  messageLeaf,
  verifyAggregationStep,
  epochData,
  epochPublicSignals,
  publicSignalsList,
  verifyInclusionProof,
  type TreeDepths,
  type GroupWitness,
} from '../src';
import { buildVectors, type Json } from './buildVectors';

describe('committed test vectors', () => {
  let built: Record<string, Json>;
  beforeAll(async () => {
    built = await buildVectors();
  }, 60_000);

  it('every committed vector file equals what the library produces now', () => {
    expect(Object.keys(built).length).toBe(10);
    for (const [name, json] of Object.entries(built)) {
      const committed: unknown = JSON.parse(readFileSync(join(__dirname, name), 'utf8'));
      expect({ name, content: committed }).toEqual({ name, content: json });
    }
  });

  it('there is no stray vector file the generator no longer writes', () => {
    const committed = readdirSync(__dirname).filter((f) => f.endsWith('.json'));
    expect(committed.sort()).toEqual(Object.keys(built).sort());
  });
});

describe('committed vectors are self-consistent', () => {
  const read = <T>(name: string): T => JSON.parse(readFileSync(join(__dirname, name), 'utf8')) as T;

  it('poseidon.json matches circomlibjs', async () => {
    const { buildPoseidon } = await import('circomlibjs');
    const ref = await buildPoseidon();
    const { cases } = read<{ cases: { inputs: string[]; output: string }[] }>('poseidon.json');
    expect(cases.length).toBeGreaterThan(10);
    for (const c of cases) expect(ref.F.toObject(ref(c.inputs.map(BigInt))).toString()).toBe(c.output);
  });

  it('inclusion-proof.json compact bytes decode to the JSON form and verify against the shared root', () => {
    const file = read<{ test: VectorProof[]; production: VectorProof[] }>('inclusion-proof.json');
    for (const v of [...file.test, ...file.production]) {
      const decoded = decodeInclusionProof(v.compact, { depths: v.depths });
      expect(decoded).toEqual(inclusionProofFromJson(v.json, v.depths));
      expect(verifyInclusionProof(decoded.message, decoded.proof, BigInt(v.sharedRoot), v.depths)).toBe(true);
      expect(messageLeaf(decoded.message)).toBe(v.messageLeaf);
    }
  });

  it('aggregation.json steps chain from the genesis root and re-verify from their witnesses', () => {
    const file = read<AggregationFile>('aggregation.json');
    expect(file.shapes.map((s) => s.name)).toEqual(['s2', 's4', 'l32']);
    for (const shape of file.shapes) {
      let root = BigInt(file.genesisRoot);
      for (const step of shape.steps) {
        expect(BigInt(step.oldRoot)).toBe(root);
        const witnesses: GroupWitness[] = step.witnesses.map((w) => ({
          ...w,
          chainId: BigInt(w.chainId),
          firstBatch: BigInt(w.firstBatch),
          batchRootFields: w.batchRootFields.map(BigInt),
          lowSiblings: w.lowSiblings.map(BigInt),
          upperSiblings: w.upperSiblings.map(BigInt),
          sharedSiblings: w.sharedSiblings.map(BigInt),
        }));
        const r = verifyAggregationStep(root, witnesses, file);
        expect(r.newRoot.toString()).toBe(step.newRoot);
        expect(r.data.map(String)).toEqual(step.data);
        expect(publicSignalsList(epochPublicSignals(r.data))).toEqual(step.publicSignals);
        // The data vector is what L1 rebuilds from the groups alone.
        const groups = step.groups.map((g) => ({
          ...g,
          chainId: BigInt(g.chainId),
          firstBatch: BigInt(g.firstBatch),
          chainRoot: BigInt(g.chainRoot),
        }));
        expect(epochData(root, r.newRoot, groups, shape).map(String)).toEqual(step.data);
        root = r.newRoot;
      }
    }
  });
});

type VectorProof = {
  depths: TreeDepths;
  sharedRoot: string;
  messageLeaf: Hex;
  json: unknown;
  compact: Hex;
};
type AggregationFile = {
  chainDepth: number;
  sharedDepth: number;
  genesisRoot: string;
  shapes: { name: string; k: number; groupSize: number; steps: AggregationVectorStep[] }[];
};
type AggregationVectorStep = {
  oldRoot: string;
  newRoot: string;
  groups: { slot: number; chainId: string; firstBatch: string; chainRoot: string; batchRoots: Hex[] }[];
  data: string[];
  publicSignals: string[];
  witnesses: (Pick<GroupWitness, 'enabled' | 'slot'> & {
    chainId: string;
    firstBatch: string;
    batchRootFields: string[];
    lowSiblings: string[];
    upperSiblings: string[];
    sharedSiblings: string[];
  })[];
};
