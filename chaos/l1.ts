/**
 * L1 helpers of the chaos harness that need nothing but an RPC URL and the InteropHub address (no devnet, no
 * database): clients, the active epoch shapes, the last real submission, a replay of everything L1 settled into a
 * libs/protocol AggregationState, storage lookups for eth_call state overrides, and the revert reason of a call.
 */
import { interopHubAbi, rebuildFromL1, type RebuildFromL1ReturnType, type SubmitRootArgs } from '@interop/contracts';
import { AggregationState, type Update } from '@interop/protocol';
import { loadShapes, shapeOfId, type CircuitShape } from '@interop/prover';
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  decodeFunctionData,
  defineChain,
  encodeAbiParameters,
  http,
  keccak256,
  toHex,
  type Address,
  type Hex,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

/** Where the L1 InteropHub is. */
export type L1Target = { chainId: number; rpcUrl: string; hub: Address };

/** viem clients of L1 (`key` signs the wallet client's transactions). */
export function l1Clients(t: L1Target, key: Hex) {
  const chain = defineChain({
    id: t.chainId,
    name: `l1-${t.chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [t.rpcUrl] } },
  });
  const publicClient = createPublicClient({ chain, transport: http(t.rpcUrl), pollingInterval: 100 }) as PublicClient;
  const walletClient = createWalletClient({ chain, transport: http(t.rpcUrl), account: privateKeyToAccount(key) });
  return { publicClient, walletClient };
}

/** The custom error a simulated call reverted with (`errorName`), or why it did not revert. */
export async function revertOf(call: () => Promise<unknown>): Promise<{ reverted: boolean; error: string }> {
  try {
    await call();
    return { reverted: false, error: 'NO_REVERT' };
  } catch (e) {
    if (e instanceof BaseError) {
      const r = e.walk((x) => x instanceof ContractFunctionRevertedError);
      if (r instanceof ContractFunctionRevertedError) {
        const name = r.data?.errorName ?? r.reason ?? r.signature ?? 'unknown revert';
        return { reverted: true, error: name };
      }
    }
    return { reverted: true, error: `revert (${(e as Error).message.split('\n')[0]!.slice(0, 80)})` };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Epoch shapes

/** An epoch shape active on L1, with its circuits/shapes name when this checkout has one of that size. */
export type L1Shape = { shapeId: number; groups: number; groupSize: number; verifier: Address; name?: string };

let localShapes: CircuitShape[] | undefined;

/** The circuits/shapes name of an L1 shape id (`G * 2^16 + M`), if this checkout has a shape of that size. */
export function shapeName(shapeId: number): string | undefined {
  localShapes ??= loadShapes();
  return shapeOfId(shapeId, localShapes)?.name;
}

/** How the summary names a shape: `s4 (131074)`, or `3x8 (196616)` for one this checkout does not know. */
export function shapeLabel(shapeId: number): string {
  const name = shapeName(shapeId) ?? `${Math.floor(shapeId / 2 ** 16)}x${shapeId % 2 ** 16}`;
  return `${name} (${shapeId})`;
}

/** The shapes active on L1 (`activeShapeIds`, `getShape`), smallest K first. */
export async function activeShapes(publicClient: PublicClient, hub: Address): Promise<L1Shape[]> {
  const ids = await publicClient.readContract({ address: hub, abi: interopHubAbi, functionName: 'activeShapeIds' });
  const shapes = await Promise.all(
    ids.map(async (shapeId): Promise<L1Shape> => {
      const s = await publicClient.readContract({
        address: hub,
        abi: interopHubAbi,
        functionName: 'getShape',
        args: [shapeId],
      });
      const name = shapeName(shapeId);
      return {
        shapeId,
        groups: s.groups,
        groupSize: s.groupSize,
        verifier: s.verifier,
        ...(name !== undefined ? { name } : {}),
      };
    }),
  );
  return shapes.sort((a, b) => a.groups * a.groupSize - b.groups * b.groupSize || a.groups - b.groups);
}

// ---------------------------------------------------------------------------------------------------------------
// What L1 settled

/** The arguments and block of the last real `submitRoot` on L1 (from its RootSubmitted event's transaction). */
export async function lastSubmitRoot(
  publicClient: PublicClient,
  hub: Address,
): Promise<{ args: SubmitRootArgs; blockNumber: bigint } | undefined> {
  const evs = await publicClient.getContractEvents({
    address: hub,
    abi: interopHubAbi,
    eventName: 'RootSubmitted',
    fromBlock: 0n,
  });
  const last = evs[evs.length - 1];
  if (!last) return undefined;
  const tx = await publicClient.getTransaction({ hash: last.transactionHash });
  const d = decodeFunctionData({ abi: interopHubAbi, data: tx.input });
  if (d.functionName !== 'submitRoot') return undefined;
  return { args: d.args, blockNumber: last.blockNumber };
}

/** Everything L1 settled, rebuilt (libs/contracts `rebuildFromL1`) and replayed into an AggregationState. */
export type L1Replay = RebuildFromL1ReturnType & { state: AggregationState };

/**
 * Rebuilds the chain trees and the shared tree from L1 alone and replays every settled batch, epoch by epoch, into
 * a libs/protocol AggregationState (the hub's view of the trees), so forged epochs can be made on top of it exactly
 * as the hub would make the next one. Throws RebuildMismatchError if L1 does not rebuild into its own roots.
 */
export async function replayL1(
  publicClient: PublicClient,
  hub: Address,
  options: { checkCalldata?: boolean } = {},
): Promise<L1Replay> {
  const rebuilt = await rebuildFromL1({ publicClient, hub, checkCalldata: options.checkCalldata ?? false });
  const state = new AggregationState({ chainDepth: rebuilt.chainDepth, sharedDepth: rebuilt.sharedDepth });
  for (const e of rebuilt.epochs) {
    const updates: Update[] = e.groups.flatMap((g) =>
      g.batchRoots.map((batchRoot, j) => ({
        slot: rebuilt.slots.get(g.chainId)!,
        chainId: g.chainId,
        batchNumber: g.firstBatch + BigInt(j),
        batchRoot,
      })),
    );
    // Roots do not depend on the grouping: groups of one fit any update list.
    state.apply(updates, Math.max(1, updates.length));
  }
  if (state.sharedRoot !== rebuilt.sharedTree.root) {
    throw new Error(
      `replaying L1's batches gives ${toHex(state.sharedRoot)}, the rebuilt tree ${toHex(rebuilt.sharedTree.root)}`,
    );
  }
  return { ...rebuilt, state };
}

// ---------------------------------------------------------------------------------------------------------------
// Storage (for eth_call state overrides)

/**
 * The storage slot of `mapping(key => ...)` entry `key` whose word satisfies `match`, found by trying the mapping's
 * declaration slot 0, 1, 2, ... (`keccak256(abi.encode(key, p))`), so the harness does not hard-code the storage
 * layout of InteropHub. Undefined when no slot below `maxIndex` matches.
 */
export async function findMappingSlot(
  publicClient: PublicClient,
  contract: Address,
  key: bigint,
  match: (word: bigint) => boolean,
  maxIndex = 64,
): Promise<{ slot: Hex; word: bigint } | undefined> {
  for (let p = 0n; p < BigInt(maxIndex); p++) {
    const slot = keccak256(encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], [key, p]));
    const value = await publicClient.getStorageAt({ address: contract, slot });
    if (value === undefined) continue;
    const word = BigInt(value);
    if (word !== 0n && match(word)) return { slot, word };
  }
  return undefined;
}

const U160 = (1n << 160n) - 1n;

/**
 * An eth_call state override that pauses `chainId` on L1 (`ChainRecord { operator, nextBatchNumber, slot, paused }`
 * is one word: paused is its top byte), without a transaction: the live hub never sees a paused chain.
 */
export async function pausedChainOverride(
  publicClient: PublicClient,
  hub: Address,
  chainId: bigint,
): Promise<Array<{ address: Address; stateDiff: Array<{ slot: Hex; value: Hex }> }> | undefined> {
  const c = await publicClient.readContract({
    address: hub,
    abi: interopHubAbi,
    functionName: 'getChain',
    args: [chainId],
  });
  const found = await findMappingSlot(
    publicClient,
    hub,
    chainId,
    (w) => (w & U160) === BigInt(c.operator) && ((w >> 160n) & ((1n << 64n) - 1n)) === c.nextBatchNumber,
  );
  if (!found) return undefined;
  const value = toHex(found.word | (1n << 248n), { size: 32 });
  return [{ address: hub, stateDiff: [{ slot: found.slot, value }] }];
}

/**
 * An eth_call state override that retires `shapeId` (`Shape { verifier, groups, groupSize, active }` is one word:
 * active is byte 24), without a transaction: the live hub keeps proving the shape.
 */
export async function retiredShapeOverride(
  publicClient: PublicClient,
  hub: Address,
  shape: L1Shape,
): Promise<Array<{ address: Address; stateDiff: Array<{ slot: Hex; value: Hex }> }> | undefined> {
  const found = await findMappingSlot(
    publicClient,
    hub,
    BigInt(shape.shapeId),
    (w) =>
      (w & U160) === BigInt(shape.verifier) &&
      Number((w >> 160n) & 0xffffn) === shape.groups &&
      Number((w >> 176n) & 0xffffn) === shape.groupSize &&
      ((w >> 192n) & 0xffn) === 1n,
  );
  if (!found) return undefined;
  const value = toHex(found.word & ~(0xffn << 192n), { size: 32 });
  return [{ address: hub, stateDiff: [{ slot: found.slot, value }] }];
}
