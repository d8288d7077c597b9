import { interopHandlerAbi } from '@interop/contracts';
import {
  BatchTree,
  batchLeaf,
  buildInclusionProof,
  ChainTree,
  chainLeaf,
  messageLeaf,
  MessageKind,
  SharedTree,
  type InteropMessage,
} from '@interop/protocol';
import { encodeFunctionData } from 'viem';

import {
  chunkGas,
  EXECUTE_MESSAGES_HEAD_BYTES,
  halves,
  planChunks,
  RelayChunker,
  relayItemBytes,
  TX_BASE_GAS,
  type ChunkItem,
  type ChunkLimits,
} from './relayChunks';

const limits: ChunkLimits = {
  maxGas: 15_000_000n,
  maxBytes: 120_000,
  maxMessages: 1_000,
  gasPerMessage: 100_000n,
  gasPerBatch: 1_000_000n,
};
const item = (batchKey: string, bytes = 2_000, gasLimit = 150_000n): ChunkItem => ({ batchKey, bytes, gasLimit });

describe('relay chunks', () => {
  it('fills a transaction up to the gas share of the block, counting each batch once', () => {
    // One batch: base + 1,000,000 + n * 250,000 <= 15,000,000  ->  n = 55.
    const chunks = planChunks(
      Array.from({ length: 120 }, () => item('a', 100)),
      limits,
    );
    expect(chunks.map((c) => c.length)).toEqual([55, 55, 10]);
    for (const c of chunks) expect(chunkGas(c, limits)).toBeLessThanOrEqual(limits.maxGas);
    expect(chunkGas(chunks[0]!, limits)).toBe(TX_BASE_GAS + 1_000_000n + 55n * 250_000n);
    // Two batches in one transaction pay the first-proof cost twice: one message fewer fits.
    const mixed = planChunks(
      [...Array.from({ length: 30 }, () => item('a', 100)), ...Array.from({ length: 30 }, () => item('b', 100))],
      limits,
    );
    expect(mixed[0]).toHaveLength(51);
    expect(chunkGas(mixed[0]!, limits)).toBeLessThanOrEqual(limits.maxGas);
  });

  it('takes the recipients gas limits as the worst case', () => {
    const heavy = planChunks(
      Array.from({ length: 10 }, () => item('a', 100, 4_000_000n)),
      limits,
    );
    // 100,000 + 1,000,000 + 3 * 4,100,000 = 13,400,000; a fourth would need 17,500,000.
    expect(heavy.map((c) => c.length)).toEqual([3, 3, 3, 1]);
  });

  it('closes a transaction at the calldata cap and at the message cap', () => {
    const byBytes = planChunks(
      Array.from({ length: 10 }, () => item('a', 2_500)),
      { ...limits, maxBytes: 10_000 },
    );
    // 132 + 3 * 2,500 <= 10,000 < 132 + 4 * 2,500
    expect(byBytes.map((c) => c.length)).toEqual([3, 3, 3, 1]);
    const byCount = planChunks(
      Array.from({ length: 10 }, () => item('a', 10)),
      { ...limits, maxMessages: 4 },
    );
    expect(byCount.map((c) => c.length)).toEqual([4, 4, 2]);
  });

  it('gives a message over every limit a transaction of its own, and keeps the order', () => {
    const items = [item('a', 10), item('a', 500_000), item('a', 10)];
    const chunks = planChunks(items, limits);
    expect(chunks).toEqual([[items[0]], [items[1]], [items[2]]]);
    expect(planChunks([], limits)).toEqual([]);
  });

  it('is incremental: push returns the chunk the new message closed, flush the rest', () => {
    const chunker = new RelayChunker<ChunkItem>({ ...limits, maxMessages: 2 });
    const [a, b, c] = [item('a'), item('a'), item('b')];
    expect(chunker.push(a)).toBeUndefined();
    expect(chunker.push(b)).toBeUndefined();
    expect(chunker.push(c)).toEqual([a, b]);
    expect(chunker.flush()).toEqual([c]);
    expect(chunker.flush()).toBeUndefined();
  });

  it('splits a chunk in halves (the first one larger)', () => {
    expect(halves([1, 2, 3, 4, 5])).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(halves([1])).toEqual([[1], []]);
  });

  it('counts the exact calldata of executeMessages', () => {
    const message = (nonce: bigint, payload: `0x${string}`): InteropMessage => ({
      srcChainId: 501n,
      dstChainId: 502n,
      nonce,
      sender: `0x${'11'.repeat(20)}`,
      recipient: `0x${'22'.repeat(20)}`,
      kind: MessageKind.CALL,
      payload,
      assetId: `0x${'00'.repeat(32)}`,
      amount: 0n,
      fee: 1n,
      gasLimit: 100_000n,
    });
    const messages = [message(0n, '0x'), message(1n, `0x${'ab'.repeat(100)}`), message(2n, '0x1234')];
    const depths = { batchDepth: 16, chainDepth: 20, sharedDepth: 10 };
    const batch = new BatchTree(messages.map(messageLeaf), depths.batchDepth);
    const chainTree = new ChainTree(depths.chainDepth);
    chainTree.append(batchLeaf(batch.root, 0n));
    const shared = new SharedTree(depths.sharedDepth);
    shared.set(0, chainLeaf(chainTree.root, 501n));
    const proofs = messages.map((m) =>
      buildInclusionProof({
        message: m,
        batch,
        batchNumber: 0n,
        chainTree,
        chainSizeAtEpoch: 1,
        sharedTree: shared,
        slot: 0,
        epoch: 1n,
      }),
    );
    const data = encodeFunctionData({
      abi: interopHandlerAbi,
      functionName: 'executeMessages',
      args: [messages, proofs],
    });
    const sizes = messages.map((m, i) => relayItemBytes(m, proofs[i]!));
    expect((data.length - 2) / 2).toBe(EXECUTE_MESSAGES_HEAD_BYTES + sizes.reduce((a, b) => a + b, 0));
    expect(sizes[1]! - sizes[0]!).toBe(128); // 100 payload bytes take four 32-byte words
  });
});
