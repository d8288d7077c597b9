import { keccak256, toHex, type Hex } from 'viem';
import type { EpochGroup } from '@interop/protocol';
import { SubmitRootArgsError } from './errors';
import { submitRootArgs, type SignedBatchMetadata } from './submitRootArgs';

const root = (label: string): Hex => keccak256(toHex(label));
const sig = (n: number): Hex => `0x${n.toString(16).padStart(2, '0').repeat(65)}`;
const meta = (n: number): SignedBatchMetadata => ({
  messageCount: n,
  firstBlock: BigInt(10 * n),
  lastBlock: BigInt(10 * n + 9),
  signature: sig(n),
});
const group = (chainId: bigint, firstBatch: bigint, count: number, chainRoot: bigint): EpochGroup => ({
  slot: Number(chainId % 10n),
  chainId,
  firstBatch,
  chainRoot,
  batchRoots: Array.from({ length: count }, (_, j) => root(`${chainId}/${firstBatch + BigInt(j)}`)),
});
const proof = {
  a: [1n, 2n],
  b: [
    [3n, 4n],
    [5n, 6n],
  ],
  c: [7n, 8n],
} as const;

describe('submitRootArgs', () => {
  // chain 1 in two groups (batches 1 | 2, 3), chain 2 in one (batch 0): update order 1/1, 1/2, 1/3, 2/0
  const groups = [group(1n, 1n, 1, 11n), group(1n, 2n, 2, 12n), group(2n, 0n, 1, 21n)];
  const metadata = [meta(1), meta(2), meta(3), meta(4)];
  const base = {
    epoch: 7n,
    shapeId: 3 * 65536 + 2,
    prevRoot: 5n,
    newRoot: 6n,
    dataCommitment: 99n,
    groups,
    metadata,
    proof,
  };

  it('signs the last group of each chain with its last batch and leaves the earlier ones empty', () => {
    const [epoch, shapeId, prevRoot, newRoot, dataCommitment, updates, p] = submitRootArgs(base);
    expect([epoch, shapeId, dataCommitment]).toEqual([7n, 3 * 65536 + 2, 99n]);
    expect([prevRoot, newRoot]).toEqual([toHex(5n, { size: 32 }), toHex(6n, { size: 32 })]);
    expect(updates).toEqual([
      {
        chainId: 1n,
        firstBatch: 1n,
        chainRoot: toHex(11n, { size: 32 }),
        batchRoots: groups[0]!.batchRoots,
        messageCount: 0,
        firstBlock: 0n,
        lastBlock: 0n,
        signature: '0x',
      },
      {
        chainId: 1n,
        firstBatch: 2n,
        chainRoot: toHex(12n, { size: 32 }),
        batchRoots: groups[1]!.batchRoots,
        ...meta(3),
      },
      {
        chainId: 2n,
        firstBatch: 0n,
        chainRoot: toHex(21n, { size: 32 }),
        batchRoots: groups[2]!.batchRoots,
        ...meta(4),
      },
    ]);
    expect(p).toEqual({
      a: [1n, 2n],
      b: [
        [3n, 4n],
        [5n, 6n],
      ],
      c: [7n, 8n],
    });
  });

  it('takes roots as bytes32 too', () => {
    const args = submitRootArgs({ ...base, prevRoot: toHex(5n, { size: 32 }), newRoot: toHex(6n, { size: 32 }) });
    expect(args.slice(0, 5)).toEqual(submitRootArgs(base).slice(0, 5));
  });

  it('refuses metadata that is not one entry per batch, an empty group, or a missing signature', () => {
    expect(() => submitRootArgs({ ...base, metadata: metadata.slice(1) })).toThrow(SubmitRootArgsError);
    expect(() => submitRootArgs({ ...base, groups: [...groups, group(3n, 0n, 0, 1n)] })).toThrow(/no batch/);
    const unsigned = [meta(1), meta(2), { ...meta(3), signature: '0x' as Hex }, meta(4)];
    expect(() => submitRootArgs({ ...base, metadata: unsigned })).toThrow(/65-byte signature of batch 3/);
    // an earlier group's metadata may be anything: it is not sent
    const earlyUnsigned = [{ ...meta(1), signature: '0x' as Hex }, meta(2), meta(3), meta(4)];
    expect(submitRootArgs({ ...base, metadata: earlyUnsigned })[5][0]!.signature).toBe('0x');
  });
});
