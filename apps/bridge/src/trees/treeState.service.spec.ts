import type { PrismaService } from '@interop/infra';
import {
  AggregationState,
  BatchTree,
  fieldToBytes32,
  messageLeaf,
  PRODUCTION_DEPTHS,
  verifyInclusionProof,
  type InteropMessage,
  type SettledUpdate,
  type Update,
} from '@interop/protocol';
import { sampleMessage } from '@interop/protocol/testing/fixtures';

import { TreeStateService, updatesFromJson, type SettledEpoch } from './treeState.service';

const A = 501n;
const B = 502n;

const DEPTHS = PRODUCTION_DEPTHS;

/**
 * Three epochs made with libs/protocol as the hub would, in shape s4 (2 groups of 2): epoch 1 = A#0 + B#0 (two
 * groups), epoch 2 = A#1, epoch 3 = A#2 + A#3 (one group: both in the aligned block [2, 4)).
 */
function epochs(): { settled: SettledEpoch[]; messages: InteropMessage[][] } {
  const hub = new AggregationState(DEPTHS);
  const messages = [
    [sampleMessage({ srcChainId: A, nonce: 0n }), sampleMessage({ srcChainId: A, nonce: 1n })],
    [sampleMessage({ srcChainId: B, dstChainId: A, nonce: 0n })],
    [sampleMessage({ srcChainId: A, nonce: 2n })],
    [sampleMessage({ srcChainId: A, nonce: 3n })],
    [sampleMessage({ srcChainId: A, nonce: 4n })],
  ];
  const update = (slot: number, chainId: bigint, batchNumber: bigint, ms: InteropMessage[]): Update => ({
    slot,
    chainId,
    batchNumber,
    batchRoot: new BatchTree(ms.map(messageLeaf), DEPTHS.batchDepth).root,
  });
  const steps = [
    [update(0, A, 0n, messages[0]!), update(1, B, 0n, messages[1]!)],
    [update(0, A, 1n, messages[2]!)],
    [update(0, A, 2n, messages[3]!), update(0, A, 3n, messages[4]!)],
  ];
  const settled = steps.map((updates, i) => {
    const step = hub.apply(updates, { k: 4, groupSize: 2 });
    return {
      epoch: BigInt(i + 1),
      prevRoot: fieldToBytes32(step.oldRoot),
      root: fieldToBytes32(step.newRoot),
      // What the operator signed for each batch: the chain root after it.
      updates: updates.map((u, j): SettledUpdate => ({
        ...u,
        chainRoot: fieldToBytes32(step.chainRoots[j]!),
        messageCount: 1,
        firstBlock: 1n,
        lastBlock: 2n,
      })),
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
                firstBlock: u.firstBlock.toString(),
                lastBlock: u.lastBlock.toString(),
              })),
            })),
        ),
    },
  } as unknown as PrismaService;
  return new TreeStateService(prisma, { depths: DEPTHS });
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
    // The swapped root gives B another chain root than the one signed: caught at that update.
    expect(trees.check(swapped)).toMatchObject({ ok: false, code: 'CHAIN_ROOT_MISMATCH' });
    expect(trees.check(swapped)).toMatchObject({ reason: expect.stringMatching(/^update 1 \(chain 502, batch 0\)/) });
  });

  it('refuses an epoch whose signed chain root is not the chain tree after the update', () => {
    const trees = service([]);
    const [a0, b0] = settled[0]!.updates;
    // B's chain root in A's update (a real root, but not A's): the shared root still replays, the chain root does not.
    const wrongChainRoot = { ...settled[0]!, updates: [{ ...a0!, chainRoot: b0!.chainRoot }, b0!] };
    expect(trees.check(wrongChainRoot)).toEqual({
      ok: false,
      code: 'CHAIN_ROOT_MISMATCH',
      reason: `update 0 (chain ${A}, batch 0) carries chainRoot ${b0!.chainRoot}, but the chain tree after it has root ${a0!.chainRoot}`,
    });
    // Updates that do not apply at all (a batch number out of order) are SHARED_ROOT_INVALID.
    const gap = { ...settled[0]!, updates: [{ ...a0!, batchNumber: 1n }, b0!] };
    expect(trees.check(gap)).toMatchObject({ ok: false, code: 'SHARED_ROOT_INVALID' });
    expect(trees.check(settled[0]!)).toEqual({ ok: true });
  });

  it('reads stored updates with their chain roots back, and refuses a row without them', () => {
    const stored = settled[2]!.updates.map((u) => ({
      ...u,
      chainId: u.chainId.toString(),
      batchNumber: u.batchNumber.toString(),
      firstBlock: u.firstBlock.toString(),
      lastBlock: u.lastBlock.toString(),
    }));
    expect(updatesFromJson(stored)).toEqual(settled[2]!.updates);
    const v1 = stored.map(({ chainRoot: _chainRoot, ...rest }) => rest);
    expect(() => updatesFromJson(v1)).toThrow('stored update 0 has no chainRoot (not a v2 epoch)');
  });

  it('rebuilds the trees from stored epochs and proves a message against its epoch and a later one', async () => {
    const trees = service(settled);
    await trees.sync();
    expect(trees.latestEpoch).toBe(3n);
    expect(trees.rootAt(1n)).toBe(settled[0]!.root);
    expect(trees.rootAt(3n)).toBe(settled[2]!.root);
    const [first, second] = messages[0]!;
    const leaves = messages[0]!.map(messageLeaf);
    for (const epoch of [1n, 2n, 3n]) {
      const proof = trees.proof(second!, leaves, 0n, epoch);
      expect(verifyInclusionProof(second!, proof, trees.rootAt(epoch)!, DEPTHS)).toBe(true);
    }
    const last = messages[4]![0]!;
    expect(verifyInclusionProof(last, trees.proof(last, [messageLeaf(last)], 3n, 3n), trees.rootAt(3n)!, DEPTHS)).toBe(
      true,
    );
    expect(() => trees.proof(first!, leaves.slice(1), 0n, 1n)).toThrow();
    expect(trees.check(settled[1]!)).toMatchObject({ ok: false, code: 'EPOCH_OUT_OF_ORDER' });
  });

  it('proves every message of a batch in one call from one batch tree, as one by one', async () => {
    const trees = service(settled);
    await trees.sync();
    const batch = messages[0]!;
    const tree = new BatchTree(batch.map(messageLeaf), DEPTHS.batchDepth);
    const proofs = trees.proofs([...batch].reverse(), tree, 0n, 2n);
    expect(proofs).toEqual([...batch].reverse().map((m) => trees.proof(m, tree, 0n, 2n)));
    for (const [i, m] of [...batch].reverse().entries()) {
      expect(verifyInclusionProof(m, proofs[i]!, trees.rootAt(2n)!, DEPTHS)).toBe(true);
    }
    expect(trees.proofs([], tree, 0n, 2n)).toEqual([]);
    expect(() => trees.proofs([batch[0]!, messages[1]![0]!], tree, 0n, 2n)).toThrow(/come from one chain/);
    expect(() => trees.proofs([batch[0]!, messages[4]![0]!], tree, 0n, 2n)).toThrow(/not in the batch/);
  });
});
