import { AggregationState, TEST_CHAIN_DEPTH, TEST_SHAPE, TEST_SHARED_DEPTH } from '@interop/protocol';

import { buildCircuitInput } from './buildCircuitInput';
import { CircuitInputError } from './errors';

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

function step() {
  const state = new AggregationState({ chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH });
  return state.apply([{ slot: 1, chainId: 7n, batchNumber: 0n, batchRoot: `0x${'ff'.repeat(32)}` }], TEST_SHAPE);
}

describe('buildCircuitInput', () => {
  it('turns libs/protocol witnesses into decimal-string signals', () => {
    const s = step();
    const input = buildCircuitInput(s.witnesses, s.oldRoot, s.newRoot, s.commitment);
    expect(input.oldRoot).toBe(s.oldRoot.toString());
    expect(input.newRoot).toBe(s.newRoot.toString());
    expect(input.commitment).toBe(s.commitment.toString());
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
    expect(input.sharedSiblings).toHaveLength(TEST_SHAPE.k / TEST_SHAPE.groupSize);
    expect(input.sharedSiblings[0]).toHaveLength(TEST_SHARED_DEPTH);
  });

  it('rejects padding that is not a suffix of a group, and groups of 1', () => {
    const s = step();
    const w = { ...s.witnesses[0]!, enabled: [0, 1] as (0 | 1)[] };
    expect(() => buildCircuitInput([w, s.witnesses[1]!], s.oldRoot, s.newRoot, s.commitment)).toThrow(/suffix/);
    const ones = new AggregationState({ chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH }).apply([], 2);
    expect(() => buildCircuitInput(ones.witnesses, ones.oldRoot, ones.newRoot, ones.commitment)).toThrow(
      CircuitInputError,
    );
  });

  it('rejects non-canonical field elements and inconsistent depths', () => {
    const s = step();
    expect(() => buildCircuitInput(s.witnesses, R, s.newRoot, s.commitment)).toThrow(/oldRoot is not a field element/);
    const short = { ...s.witnesses[1]!, upperSiblings: [0n] };
    expect(() => buildCircuitInput([s.witnesses[0]!, short], s.oldRoot, s.newRoot, s.commitment)).toThrow(/siblings/);
    expect(() => buildCircuitInput([], s.oldRoot, s.newRoot, s.commitment)).toThrow(CircuitInputError);
  });
});
