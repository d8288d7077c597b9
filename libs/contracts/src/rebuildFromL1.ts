import { decodeFunctionData, toHex, type Address, type Hash, type Hex, type PublicClient } from 'viem';
import { batchLeaf, chainLeaf, ChainTree, SharedTree } from '@interop/protocol';
import { RebuildMismatchError } from './errors';
import { interopHubAbi } from './generated/InteropHub';

export type RebuildFromL1Parameters = {
  publicClient: PublicClient;
  /** The L1 InteropHub. */
  hub: Address;
  /** First block to read logs from (the hub's deployment block; default 0). */
  fromBlock?: bigint;
  /** Last block (default: the latest block when the call starts). */
  toBlock?: bigint;
  /** Read logs in windows of this many blocks (RPC providers cap eth_getLogs ranges); default: one request. */
  blockRange?: bigint;
  /** Also compare each epoch's groups with the calldata of its `submitRoot` transaction (one RPC call per epoch). */
  checkCalldata?: boolean;
};

/** One group of a settled epoch, as its `ChainSettled` log carries it. */
export type SettledGroup = { chainId: bigint; firstBatch: bigint; chainRoot: bigint; batchRoots: Hex[] };

/** One settled epoch, rebuilt and checked. */
export type RebuiltEpoch = {
  epoch: bigint;
  shapeId: number;
  prevRoot: bigint;
  newRoot: bigint;
  batchCount: number;
  groups: SettledGroup[];
  txHash: Hash;
  blockNumber: bigint;
  /** Whether the transaction's calldata was decoded and matched the logs (`checkCalldata`, direct calls only). */
  calldataChecked: boolean;
};

export type RebuildFromL1ReturnType = {
  chainDepth: number;
  sharedDepth: number;
  genesisRoot: bigint;
  /** chainId -> shared-tree slot (`ChainRegistered`). */
  slots: Map<bigint, number>;
  /** Every chain tree with at least one settled batch, as of the last epoch read. */
  chainTrees: Map<bigint, ChainTree>;
  sharedTree: SharedTree;
  epochs: RebuiltEpoch[];
};

type LogPosition = { blockNumber: bigint; logIndex: number };

/**
 * Rebuilds every chain tree and the shared tree from what L1 holds alone (SPEC "L1 settlement"): the hub's
 * immutables `CHAIN_DEPTH`, `SHARED_DEPTH`, `GENESIS_ROOT`, the slots of its `ChainRegistered` logs and the groups of
 * its `ChainSettled` logs, epoch by epoch, with libs/protocol. It checks, and throws RebuildMismatchError at the
 * first difference: epochs are consecutive from 1 and chain from the genesis root, every group starts at its
 * chain's size, the chain root after every group is the one in its log, the shared root after every epoch is the
 * `newRoot` of its `RootSubmitted` log and `rootAt(epoch)`, and (with `checkCalldata`) the transaction carried the same
 * groups. No database, no Kafka: the base of `interop proof verify-chain` and of self-relaying.
 *
 * @example
 * const { chainTrees, sharedTree, epochs } = await rebuildFromL1({ publicClient, hub, checkCalldata: true });
 * chainTrees.get(31337n)?.proof(0); // inclusion path of batch 0 of chain 31337
 */
export async function rebuildFromL1({
  publicClient,
  hub,
  fromBlock = 0n,
  toBlock,
  blockRange,
  checkCalldata = false,
}: RebuildFromL1Parameters): Promise<RebuildFromL1ReturnType> {
  const read = <F extends 'CHAIN_DEPTH' | 'SHARED_DEPTH' | 'GENESIS_ROOT'>(functionName: F) =>
    publicClient.readContract({ address: hub, abi: interopHubAbi, functionName });
  const [chainDepth, sharedDepth, genesis, last] = await Promise.all([
    read('CHAIN_DEPTH'),
    read('SHARED_DEPTH'),
    read('GENESIS_ROOT'),
    // cacheTime 0: viem may otherwise answer with a block number it read before the last transactions
    toBlock ?? publicClient.getBlockNumber({ cacheTime: 0 }),
  ]);

  const windows: [bigint, bigint][] = [];
  const step = blockRange ?? last - fromBlock + 1n;
  for (let from = fromBlock; from <= last; from += step) {
    windows.push([from, from + step - 1n < last ? from + step - 1n : last]);
  }
  const events = async <E extends 'ChainRegistered' | 'ChainSettled' | 'RootSubmitted'>(eventName: E) =>
    (
      await Promise.all(
        windows.map(([from, to]) =>
          publicClient.getContractEvents({ address: hub, abi: interopHubAbi, eventName, fromBlock: from, toBlock: to }),
        ),
      )
    ).flat();
  const [registered, settled, submitted] = await Promise.all([
    events('ChainRegistered'),
    events('ChainSettled'),
    events('RootSubmitted'),
  ]);

  const slots = new Map<bigint, number>();
  for (const log of registered) slots.set(log.args.chainId!, log.args.slot!);

  // ChainSettled logs of each epoch, in log order (the order the circuit applied the groups).
  const groupsOf = new Map<bigint, SettledGroup[]>();
  for (const log of [...settled].sort(byPosition)) {
    const e = log.args.epoch!;
    const list = groupsOf.get(e) ?? [];
    list.push({
      chainId: log.args.chainId!,
      firstBatch: log.args.firstBatch!,
      chainRoot: BigInt(log.args.chainRoot!),
      batchRoots: [...log.args.batchRoots!],
    });
    groupsOf.set(e, list);
  }

  const chainTrees = new Map<bigint, ChainTree>();
  const sharedTree = new SharedTree(sharedDepth);
  const genesisRoot = BigInt(genesis);
  if (sharedTree.root !== genesisRoot) {
    throw new RebuildMismatchError(`GENESIS_ROOT ${genesis} is not Zs(${sharedDepth}) = ${sharedTree.root}`);
  }
  const epochs: RebuiltEpoch[] = [];
  for (const log of [...submitted].sort(byPosition)) {
    const epoch = log.args.epoch!;
    const expectedEpoch = BigInt(epochs.length + 1);
    if (epoch !== expectedEpoch) throw new RebuildMismatchError(`epoch ${epoch} follows epoch ${expectedEpoch - 1n}`);
    const prevRoot = BigInt(log.args.prevRoot!);
    if (prevRoot !== sharedTree.root) {
      throw new RebuildMismatchError(
        `epoch ${epoch} starts from ${log.args.prevRoot}, the rebuilt root is ${hex(sharedTree.root)}`,
      );
    }
    const groups = groupsOf.get(epoch) ?? [];
    let batchCount = 0;
    for (const [i, g] of groups.entries()) {
      const slot = slots.get(g.chainId);
      if (slot === undefined)
        throw new RebuildMismatchError(`epoch ${epoch} group ${i}: chain ${g.chainId} was never registered`);
      let tree = chainTrees.get(g.chainId);
      if (!tree) {
        tree = new ChainTree(chainDepth);
        chainTrees.set(g.chainId, tree);
      }
      if (BigInt(tree.size) !== g.firstBatch) {
        throw new RebuildMismatchError(
          `epoch ${epoch} group ${i}: chain ${g.chainId} continues at batch ${g.firstBatch}, its tree holds ${tree.size}`,
        );
      }
      g.batchRoots.forEach((root, j) => tree.append(batchLeaf(root, g.firstBatch + BigInt(j))));
      if (tree.root !== g.chainRoot) {
        throw new RebuildMismatchError(
          `epoch ${epoch} group ${i}: chain ${g.chainId}'s root is ${hex(tree.root)}, the log says ${hex(g.chainRoot)}`,
        );
      }
      sharedTree.set(slot, chainLeaf(tree.root, g.chainId));
      batchCount += g.batchRoots.length;
    }
    const newRoot = BigInt(log.args.newRoot!);
    if (sharedTree.root !== newRoot) {
      throw new RebuildMismatchError(
        `epoch ${epoch}: the rebuilt shared root is ${hex(sharedTree.root)}, L1 settled ${log.args.newRoot}`,
      );
    }
    if (BigInt(batchCount) !== log.args.batchCount) {
      throw new RebuildMismatchError(
        `epoch ${epoch}: ${batchCount} batches in the logs, RootSubmitted says ${log.args.batchCount}`,
      );
    }
    const settledRoot = await publicClient.readContract({
      address: hub,
      abi: interopHubAbi,
      functionName: 'rootAt',
      args: [epoch],
    });
    if (BigInt(settledRoot) !== newRoot) {
      throw new RebuildMismatchError(
        `epoch ${epoch}: rootAt is ${settledRoot}, RootSubmitted says ${log.args.newRoot}`,
      );
    }
    const calldataChecked = checkCalldata
      ? await matchesCalldata(publicClient, hub, log.transactionHash, epoch, groups)
      : false;
    epochs.push({
      epoch,
      shapeId: log.args.shapeId!,
      prevRoot,
      newRoot,
      batchCount,
      groups,
      txHash: log.transactionHash,
      blockNumber: log.blockNumber,
      calldataChecked,
    });
  }
  const orphan = [...groupsOf.keys()].find((e) => e > BigInt(epochs.length));
  if (orphan !== undefined)
    throw new RebuildMismatchError(`ChainSettled logs of epoch ${orphan} without its RootSubmitted`);
  return { chainDepth, sharedDepth, genesisRoot, slots, chainTrees, sharedTree, epochs };
}

/**
 * Whether the `submitRoot` calldata of `txHash` holds exactly `groups`. A transaction that is not a direct call
 * of the hub (e.g. through a multisig) is not decoded: false.
 */
async function matchesCalldata(
  publicClient: PublicClient,
  hub: Address,
  txHash: Hash,
  epoch: bigint,
  groups: SettledGroup[],
): Promise<boolean> {
  const tx = await publicClient.getTransaction({ hash: txHash });
  if (tx.to?.toLowerCase() !== hub.toLowerCase()) return false;
  const call = decodeFunctionData({ abi: interopHubAbi, data: tx.input });
  if (call.functionName !== 'submitRoot') return false;
  const [newEpoch, , , , , calldataGroups] = call.args;
  const same =
    newEpoch === epoch &&
    calldataGroups.length === groups.length &&
    calldataGroups.every((c, i) => {
      const g = groups[i]!;
      return (
        c.chainId === g.chainId &&
        c.firstBatch === g.firstBatch &&
        BigInt(c.chainRoot) === g.chainRoot &&
        c.batchRoots.length === g.batchRoots.length &&
        c.batchRoots.every((r, j) => r.toLowerCase() === g.batchRoots[j]!.toLowerCase())
      );
    });
  if (!same)
    throw new RebuildMismatchError(`epoch ${epoch}: the calldata of ${txHash} differs from its ChainSettled logs`);
  return true;
}

function byPosition(a: LogPosition, b: LogPosition): number {
  if (a.blockNumber !== b.blockNumber) return a.blockNumber < b.blockNumber ? -1 : 1;
  return a.logIndex - b.logIndex;
}

function hex(x: bigint): Hex {
  return toHex(x, { size: 32 });
}
