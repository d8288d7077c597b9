import { parseEventLogs, toHex, type Address, type Hex, type TransactionReceipt } from 'viem';
import {
  AggregationState,
  BatchTree,
  buildInclusionProof,
  CHAIN_DEPTH,
  messageLeaf,
  SHARED_DEPTH,
  type InclusionProof,
  type InteropMessage,
} from '@interop/protocol';
import { interopCenterAbi, interopHandlerAbi } from '@interop/contracts';
import type { TestChain } from './testChain';

/** The depths of SPEC.md "Depths" (every running network); the L2 stacks of the tests are deployed with them. */
export const TEST_BATCH_DEPTH = 16;
export const NETWORK_DEPTHS = { batchDepth: TEST_BATCH_DEPTH, chainDepth: CHAIN_DEPTH, sharedDepth: SHARED_DEPTH };
/** Batches per epoch of the in-process network (its roots only: no proof, so any grouping works). */
const EPOCH_BATCHES = 4;

/** The messages a transaction sent through InteropCenter (from its `MessageSent` events), as libs/protocol values. */
export function sentMessages(receipt: TransactionReceipt): InteropMessage[] {
  return parseEventLogs({ abi: interopCenterAbi, logs: receipt.logs, eventName: 'MessageSent' }).map((log) => {
    const m = log.args.message;
    const message: InteropMessage = { ...m, kind: m.kind };
    if (messageLeaf(message) !== log.args.messageId) throw new Error('MessageSent id is not messageLeaf(message)');
    return message;
  });
}

type SealedBatch = { srcChainId: bigint; batchNumber: bigint; leaves: Hex[]; epoch: bigint };

/**
 * What the chain apps, the hub and L1 do, done in-process with libs/protocol: seal batches of sent messages,
 * aggregate them into shared roots (AggregationState), import each root into the destination handlers (as the
 * chain operator would after L1 settled it) and build inclusion proofs.
 */
export class TestNetwork {
  readonly state = new AggregationState({ chainDepth: CHAIN_DEPTH, sharedDepth: SHARED_DEPTH });
  private epoch = 0n;
  /** epoch -> state snapshot (proofs are built against the trees as they were at that epoch). */
  private readonly snapshots = new Map<bigint, AggregationState>();
  private readonly batches = new Map<Hex, SealedBatch>();
  private readonly nextBatch = new Map<bigint, bigint>();

  constructor(
    private readonly slots: Map<bigint, number>,
    private readonly handlers: { chain: TestChain; handler: Address }[],
  ) {}

  get currentEpoch(): bigint {
    return this.epoch;
  }

  /**
   * Seals each source chain's messages into one batch, aggregates (4 at a time, several epochs if needed), imports
   * every new root into every handler, and returns the epoch the messages are provable at.
   */
  async settle(messages: InteropMessage[]): Promise<bigint> {
    const bySource = new Map<bigint, InteropMessage[]>();
    for (const m of messages) bySource.set(m.srcChainId, [...(bySource.get(m.srcChainId) ?? []), m]);
    const sealed: SealedBatch[] = [];
    for (const [srcChainId, ms] of bySource) {
      const batchNumber = this.nextBatch.get(srcChainId) ?? 0n;
      this.nextBatch.set(srcChainId, batchNumber + 1n);
      sealed.push({ srcChainId, batchNumber, leaves: ms.map(messageLeaf), epoch: 0n });
    }
    for (let i = 0; i < sealed.length; i += EPOCH_BATCHES) {
      const group = sealed.slice(i, i + EPOCH_BATCHES);
      this.state.apply(
        group.map((b) => ({
          slot: this.slot(b.srcChainId),
          chainId: b.srcChainId,
          batchNumber: b.batchNumber,
          batchRoot: new BatchTree(b.leaves, TEST_BATCH_DEPTH).root,
        })),
        EPOCH_BATCHES,
      );
      this.epoch += 1n;
      this.snapshots.set(this.epoch, this.state.clone());
      for (const b of group) {
        b.epoch = this.epoch;
        for (const leaf of b.leaves) this.batches.set(leaf, b);
      }
      await this.importRoot(this.epoch, toHex(this.state.sharedRoot, { size: 32 }));
    }
    return this.epoch;
  }

  /** Imports `root` as `epoch` into every handler. */
  async importRoot(epoch: bigint, root: Hex): Promise<void> {
    for (const { chain, handler } of this.handlers) {
      const hash = await chain.wallets[0]!.writeContract({
        address: handler,
        abi: interopHandlerAbi,
        functionName: 'importSharedRoot',
        args: [epoch, root],
      });
      await chain.publicClient.waitForTransactionReceipt({ hash });
    }
  }

  /** The inclusion proof of a settled message against the epoch its batch was aggregated in (or a later one). */
  proof(message: InteropMessage, atEpoch?: bigint): InclusionProof {
    const batch = this.batches.get(messageLeaf(message));
    if (!batch) throw new Error('message not settled');
    const epoch = atEpoch ?? batch.epoch;
    const snapshot = this.snapshots.get(epoch);
    const chainTree = snapshot?.chainTree(message.srcChainId);
    if (!snapshot || !chainTree) throw new Error(`no snapshot of epoch ${epoch}`);
    return buildInclusionProof({
      message,
      batch: batch.leaves,
      batchDepth: TEST_BATCH_DEPTH,
      batchNumber: batch.batchNumber,
      chainTree,
      chainSizeAtEpoch: snapshot.chainSize(message.srcChainId),
      sharedTree: snapshot.sharedTree,
      slot: this.slot(message.srcChainId),
      epoch,
    });
  }

  private slot(chainId: bigint): number {
    const slot = this.slots.get(chainId);
    if (slot === undefined) throw new Error(`chain ${chainId} has no slot`);
    return slot;
  }
}
