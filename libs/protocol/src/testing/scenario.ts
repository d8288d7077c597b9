import { AggregationState } from '../aggregation/AggregationState';
import { BatchTree } from '../batch/BatchTree';
import type { InteropMessage } from '../message/interopMessage';
import { messageLeaf } from '../message/messageLeaf';
import type { SharedTree } from '../trees/SharedTree';
import type { TreeDepths } from '../trees/depths';
import { sampleMessage } from './fixtures';

/** One sealed batch of a chain. */
export type ScenarioBatch = { chainId: bigint; batchNumber: bigint; messages: InteropMessage[]; tree: BatchTree };
/** What the bridge keeps per epoch: the shared tree then and each chain's size then. */
export type ScenarioEpoch = { epoch: bigint; sharedTree: SharedTree; chainSizes: Map<bigint, number> };

/**
 * A deterministic little network for tests, vectors and benchmarks: `chains` chains (slot i = chain i), each sealing
 * one batch of `messagesPerBatch` messages per epoch, for `epochs` epochs.
 */
export function buildScenario({
  depths,
  chains,
  epochs,
  messagesPerBatch,
}: {
  depths: TreeDepths;
  chains: number;
  epochs: number;
  messagesPerBatch: number;
}): { state: AggregationState; batches: ScenarioBatch[]; epochs: ScenarioEpoch[] } {
  const state = new AggregationState(depths);
  const batches: ScenarioBatch[] = [];
  const snapshots: ScenarioEpoch[] = [];
  const chainIds = Array.from({ length: chains }, (_, i) => 31337n + BigInt(i));
  for (let e = 1; e <= epochs; e++) {
    const updates = chainIds.map((chainId, slot) => {
      const batchNumber = BigInt(e - 1);
      const messages = Array.from({ length: messagesPerBatch }, (_, i) =>
        sampleMessage({
          srcChainId: chainId,
          dstChainId: chainIds[(slot + 1) % chains] as bigint,
          nonce: batchNumber * BigInt(messagesPerBatch) + BigInt(i),
          payload: `0x${(e * 1000 + i).toString(16).padStart(8, '0')}`,
        }),
      );
      const tree = new BatchTree(messages.map(messageLeaf), depths.batchDepth);
      batches.push({ chainId, batchNumber, messages, tree });
      return { slot, chainId, batchNumber, batchRoot: tree.root };
    });
    state.apply(updates, chains);
    snapshots.push({
      epoch: BigInt(e),
      sharedTree: state.sharedTree.clone(),
      chainSizes: new Map(chainIds.map((c) => [c, state.chainSize(c)])),
    });
  }
  return { state, batches, epochs: snapshots };
}
