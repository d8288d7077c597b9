import { interopHandlerAbi } from '@interop/contracts';
import type { InclusionProof, InteropMessage } from '@interop/protocol';
import { encodeFunctionData } from 'viem';

/** One message as the chunker sees it: its batch, its share of the calldata, its recipient's gas limit. */
export type ChunkItem = {
  /** Messages of one batch share the batch's first-proof cost (the handler caches a proven batch). */
  batchKey: string;
  /** Bytes it adds to an `executeMessages` calldata (its message and proof, see {@link relayItemBytes}). */
  bytes: number;
  /** The message's gasLimit: what its recipient may use at most. */
  gasLimit: bigint;
};

/** What one relay transaction may hold. */
export type ChunkLimits = {
  /** Gas one transaction may need at most (a share of the destination's block gas limit). */
  maxGas: bigint;
  /** Calldata bytes at most (nodes refuse bigger transactions: geth's pool takes up to 128 KiB). */
  maxBytes: number;
  /** Messages at most. */
  maxMessages: number;
  /** Gas of one message besides its recipient's: proof check of a proven batch, calldata, bookkeeping, events. */
  gasPerMessage: bigint;
  /** Extra gas of the first message of a batch: the chain and shared paths are checked once per batch. */
  gasPerBatch: bigint;
};

/**
 * Gas of a relay transaction besides its messages: intrinsic gas (21,000) and the handler's call overhead, with
 * room, plus the 50,000 the handler keeps in reserve before a delivery.
 */
export const TX_BASE_GAS = 100_000n;
/** Fixed calldata of `executeMessages`: selector, the two array offsets and lengths. */
export const EXECUTE_MESSAGES_HEAD_BYTES = 4 + 4 * 32;

/**
 * The worst-case gas of relaying `items` in one transaction: the base, every message's own cost plus its full
 * gasLimit (a recipient may use all of it), and the first-proof cost of every batch among them (counted even if the
 * destination proved the batch already: the node's estimate is lower, never higher). The handler also needs
 * `gasLimit * 64/63 + 50,000` left before each delivery: the reserve in TX_BASE_GAS and the full gasLimits cover it.
 */
export function chunkGas(
  items: readonly ChunkItem[],
  limits: Pick<ChunkLimits, 'gasPerMessage' | 'gasPerBatch'>,
): bigint {
  let gas = TX_BASE_GAS;
  const batches = new Set<string>();
  for (const item of items) {
    gas += limits.gasPerMessage + item.gasLimit;
    batches.add(item.batchKey);
  }
  return gas + BigInt(batches.size) * limits.gasPerBatch;
}

/**
 * Packs messages, in the order pushed, into relay transactions: a chunk is closed when the next message would take
 * it over `maxGas` (worst case, {@link chunkGas}), `maxBytes` or `maxMessages`. A message that alone exceeds a
 * limit still gets a chunk of its own (the node's estimate then decides). Incremental, so the relayer can send a
 * chunk while it builds the proofs of the next.
 *
 * @example
 * const chunker = new RelayChunker(limits);
 * for (const item of items) { const full = chunker.push(item); if (full) send(full); }
 * const last = chunker.flush(); if (last) send(last);
 */
export class RelayChunker<T extends ChunkItem> {
  private current: T[] = [];
  private gas = 0n;
  private bytes = EXECUTE_MESSAGES_HEAD_BYTES;
  private readonly batches = new Set<string>();

  constructor(private readonly limits: ChunkLimits) {}

  /** Adds `item`; returns the chunk it closed (without `item`, which starts the next), if any. */
  push(item: T): T[] | undefined {
    const newBatch = !this.batches.has(item.batchKey);
    const gas = this.gas + this.limits.gasPerMessage + item.gasLimit + (newBatch ? this.limits.gasPerBatch : 0n);
    const fits =
      this.current.length < this.limits.maxMessages &&
      TX_BASE_GAS + gas <= this.limits.maxGas &&
      this.bytes + item.bytes <= this.limits.maxBytes;
    let closed: T[] | undefined;
    if (!fits && this.current.length > 0) closed = this.flush();
    this.add(item);
    return closed;
  }

  /** The open chunk (undefined when empty); the chunker starts afresh. */
  flush(): T[] | undefined {
    if (this.current.length === 0) return undefined;
    const chunk = this.current;
    this.current = [];
    this.gas = 0n;
    this.bytes = EXECUTE_MESSAGES_HEAD_BYTES;
    this.batches.clear();
    return chunk;
  }

  private add(item: T): void {
    if (!this.batches.has(item.batchKey)) {
      this.batches.add(item.batchKey);
      this.gas += this.limits.gasPerBatch;
    }
    this.gas += this.limits.gasPerMessage + item.gasLimit;
    this.bytes += item.bytes;
    this.current.push(item);
  }
}

/** relayItemBytes by shape: only the payload and the proof paths vary in length. */
const itemBytesByShape = new Map<string, number>();

/**
 * Calldata bytes one message adds to an `executeMessages` call: its ABI-encoded message and proof and their two
 * offset words (a call of n messages is EXECUTE_MESSAGES_HEAD_BYTES plus the n sizes). Every other field is one
 * word, so the size depends only on the payload's and the paths' lengths: encoded once per such shape.
 */
export function relayItemBytes(message: InteropMessage, proof: InclusionProof): number {
  const shape = `${message.payload.length}:${proof.batchPath.length}:${proof.chainPath.length}:${proof.sharedPath.length}`;
  let bytes = itemBytesByShape.get(shape);
  if (bytes === undefined) {
    const single = encodeFunctionData({
      abi: interopHandlerAbi,
      functionName: 'executeMessages',
      args: [[message], [proof]],
    });
    bytes = (single.length - 2) / 2 - EXECUTE_MESSAGES_HEAD_BYTES;
    if (itemBytesByShape.size >= 1_024) itemBytesByShape.clear();
    itemBytesByShape.set(shape, bytes);
  }
  return bytes;
}

/** All of `items` packed by {@link RelayChunker}. */
export function planChunks<T extends ChunkItem>(items: readonly T[], limits: ChunkLimits): T[][] {
  const chunker = new RelayChunker<T>(limits);
  const chunks: T[][] = [];
  for (const item of items) {
    const closed = chunker.push(item);
    if (closed) chunks.push(closed);
  }
  const last = chunker.flush();
  if (last) chunks.push(last);
  return chunks;
}

/** The two halves of a chunk (for a transaction whose estimate is over the limit, or that the node rejected). */
export function halves<T>(chunk: readonly T[]): [T[], T[]] {
  const mid = Math.ceil(chunk.length / 2);
  return [chunk.slice(0, mid), chunk.slice(mid)];
}
