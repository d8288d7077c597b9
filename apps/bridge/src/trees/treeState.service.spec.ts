import type { PrismaService } from '@interop/infra';
import {
  AggregationState,
  BatchTree,
  fieldToBytes32,
  messageLeaf,
  TEST_DEPTHS,
  verifyInclusionProof,
  type InteropMessage,
  type SettledUpdate,
} from '@interop/protocol';
import { sampleMessage } from '@interop/protocol/testing/fixtures';

import { TreeStateService, type SettledEpoch } from './treeState.service';

const A = 501n;
const B = 502n;

/** Two epochs made with libs/protocol as the hub would: epoch 1 = A#0 + B#0, epoch 2 = A#1. */
function epochs(): { settled: SettledEpoch[]; messages: InteropMessage[][] } {
  const hub = new AggregationState(TEST_DEPTHS);
  const messages = [
    [sampleMessage({ srcChainId: A, nonce: 0n }), sampleMessage({ srcChainId: A, nonce: 1n })],
    [sampleMessage({ srcChainId: B, dstChainId: A, nonce: 0n })],
    [sampleMessage({ srcChainId: A, nonce: 2n })],
  ];
  const update = (slot: number, chainId: bigint, batchNumber: bigint, ms: InteropMessage[]): SettledUpdate => ({
    slot,
    chainId,
    batchNumber,
    batchRoot: new BatchTree(ms.map(messageLeaf), 16).root,
    messageCount: ms.length,
    firstBlock: 1n,
    lastBlock: 2n,
  });
  const steps = [[update(0, A, 0n, messages[0]!), update(1, B, 0n, messages[1]!)], [update(0, A, 1n, messages[2]!)]];
  const settled = steps.map((updates, i) => {
    const step = hub.apply(updates, 2);
    return {
      epoch: BigInt(i + 1),
      prevRoot: fieldToBytes32(step.oldRoot),
      root: fieldToBytes32(step.newRoot),
      updates,
    };
  });
  return { settled, messages };
}

/** The service over a stand-in for its one query (`bridgeEpoch.findMany`): the replay logic is what is tested. */
function service(rows: SettledEpoch[]): TreeStateService {
  const prisma = {
    bridgeEpoch: {
      findMany: ({ where }: { where: { epoch: { gt: bigint } } }) =>
        Promise.resolve(
          rows
            .filter((r) => r.epoch > where.epoch.gt)
            .map((r) => ({
              ...r,
              updates: r.updates.map((u) => ({
                ...u,
                chainId: u.chainId.toString(),
                batchNumber: u.batchNumber.toString(),
                firstBlock: '1',
                lastBlock: '2',
              })),
            })),
        ),
    },
  } as unknown as PrismaService;
  return new TreeStateService(prisma, { depths: TEST_DEPTHS });
}

describe('TreeStateService', () => {
  const { settled, messages } = epochs();

  it('accepts the next epoch only when its updates replay to its root', () => {
    const trees = service([]);
    expect(trees.check(settled[0]!)).toEqual({ ok: true });
    expect(trees.check({ ...settled[0]!, root: `0x${'12'.repeat(32)}` })).toMatchObject({
      ok: false,
      code: 'SHARED_ROOT_INVALID',
    });
    expect(trees.check({ ...settled[0]!, prevRoot: `0x${'00'.repeat(31)}01` })).toMatchObject({
      ok: false,
      code: 'SHARED_ROOT_INVALID',
    });
    expect(trees.check(settled[1]!)).toMatchObject({ ok: false, code: 'EPOCH_OUT_OF_ORDER' });
    const swapped = {
      ...settled[0]!,
      updates: [settled[0]!.updates[0]!, { ...settled[0]!.updates[1]!, batchRoot: settled[0]!.updates[0]!.batchRoot }],
    };
    expect(trees.check(swapped)).toMatchObject({ ok: false, code: 'SHARED_ROOT_INVALID' });
  });

  it('rebuilds the trees from stored epochs and proves a message against its epoch and a later one', async () => {
    const trees = service(settled);
    await trees.sync();
    expect(trees.latestEpoch).toBe(2n);
    expect(trees.rootAt(1n)).toBe(settled[0]!.root);
    expect(trees.rootAt(2n)).toBe(settled[1]!.root);
    const [first, second] = messages[0]!;
    const leaves = messages[0]!.map(messageLeaf);
    for (const epoch of [1n, 2n]) {
      const proof = trees.proof(second!, leaves, 0n, epoch);
      expect(verifyInclusionProof(second!, proof, trees.rootAt(epoch)!, TEST_DEPTHS)).toBe(true);
    }
    expect(() => trees.proof(first!, leaves.slice(1), 0n, 1n)).toThrow();
    expect(trees.check(settled[1]!)).toMatchObject({ ok: false, code: 'EPOCH_OUT_OF_ORDER' });
  });
});
