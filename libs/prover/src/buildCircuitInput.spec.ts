import { AggregationState, PRODUCTION_DEPTHS, PRODUCTION_SHAPES } from '@interop/protocol';

import { buildCircuitInput } from './buildCircuitInput';
import { CircuitInputError } from './errors';

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

const SHAPE = PRODUCTION_SHAPES.s4;

function step() {
  const state = new AggregationState(PRODUCTION_DEPTHS);
  return state.apply([{ slot: 1, chainId: 7n, batchNumber: 0n, batchRoot: `0x${'ff'.repeat(32)}` }], SHAPE);
}

describe('buildCircuitInput', () => {
  it('turns libs/protocol witnesses into decimal-string signals', () => {
    const s = step();
    const input = buildCircuitInput(s.witnesses, s.oldRoot, s.publicSignals);
    expect(input.oldRoot).toBe(s.oldRoot.toString());
    expect([input.dataCommitment, input.challenge, input.evaluation]).toEqual(
      [s.publicSignals.dataCommitment, s.publicSignals.challenge, s.publicSignals.evaluation].map(String),
    );
    expect(input.enabled).toEqual([
      ['1', '0'],
      ['0', '0'],
    ]);
    expect(input.slot).toEqual(['1', '0']);
    expect(input.chainId).toEqual(['7', '0']);
    expect(input.firstBatch).toEqual(['0', '0']);
    expect(input.batchRootField[0]).toEqual([(((1n << 256n) - 1n) % R).toString(), '0']);
    expect(input.lowSiblings[0]).toEqual(s.witnesses[0]!.lowSiblings.map(String));
    expect(input.upperSiblings[0]).toEqual(s.witnesses[0]!.upperSiblings.map(String));
    expect(input.sharedSiblings).toHaveLength(SHAPE.k / SHAPE.groupSize);
    expect(input.sharedSiblings[0]).toHaveLength(PRODUCTION_DEPTHS.sharedDepth);
  });

  it('rejects padding that is not a suffix of a group, and groups of 1', () => {
    const s = step();
    const w = { ...s.witnesses[0]!, enabled: [0, 1] as (0 | 1)[] };
    expect(() => buildCircuitInput([w, s.witnesses[1]!], s.oldRoot, s.publicSignals)).toThrow(/suffix/);
    const ones = new AggregationState(PRODUCTION_DEPTHS).apply([], 2);
    expect(() => buildCircuitInput(ones.witnesses, ones.oldRoot, ones.publicSignals)).toThrow(CircuitInputError);
  });

  it('rejects non-canonical field elements and inconsistent depths', () => {
    const s = step();
    expect(() => buildCircuitInput(s.witnesses, R, s.publicSignals)).toThrow(/oldRoot is not a field element/);
    const short = { ...s.witnesses[1]!, upperSiblings: [0n] };
    expect(() => buildCircuitInput([s.witnesses[0]!, short], s.oldRoot, s.publicSignals)).toThrow(/siblings/);
    expect(() => buildCircuitInput([], s.oldRoot, s.publicSignals)).toThrow(CircuitInputError);
  });
});
