import type { ChainStore, NewBatch, ScanResult } from '../../src/domain/ports';
import type { BlockRef, ChainTreeFrontier, SealedBatch, SealedBatchRoot, StoredMessage } from '../../src/domain/types';

/**
 * `ChainStore` in memory, with the same semantics as PrismaChainStore (unit tests of the services; the Prisma one is
 * covered by the int tests). `failNextSave` makes the next saveBatch throw before changing anything, as a
 * rolled-back transaction would; `failAfterNextSave` makes it throw after committing everything (a connection lost
 * after COMMIT). The batch, its messages, the sealed checkpoint and the frontier change together or not at all.
 */
export class InMemoryChainStore implements ChainStore {
  checkpoint: BlockRef | null = null;
  sealedCheckpoint: { number: bigint; hash: string } | null = null;
  blocks = new Map<bigint, BlockRef>();
  messages: StoredMessage[] = [];
  batches: SealedBatch[] = [];
  frontier: ChainTreeFrontier | null = null;
  failNextSave = false;
  failAfterNextSave = false;
  private nextId = 1n;

  scanCheckpoint(): Promise<BlockRef | null> {
    return Promise.resolve(this.checkpoint);
  }

  knownBlocks(atOrBelow: bigint): Promise<BlockRef[]> {
    return Promise.resolve(
      [...this.blocks.values()].filter((b) => b.number <= atOrBelow).sort((a, b) => (a.number > b.number ? -1 : 1)),
    );
  }

  recordScan({ blocks, messages, checkpoint }: ScanResult): Promise<void> {
    for (const b of blocks) this.blocks.set(b.number, b);
    for (const m of messages) {
      if (this.messages.some((x) => x.blockNumber === m.blockNumber && x.logIndex === m.logIndex)) continue;
      this.messages.push({ ...m, id: this.nextId++, batchNumber: null, leafIndex: null });
    }
    this.checkpoint = checkpoint;
    return Promise.resolve();
  }

  rollback(forkPoint: BlockRef | null): Promise<number> {
    const above = forkPoint?.number ?? -1n;
    for (const n of [...this.blocks.keys()]) if (n > above) this.blocks.delete(n);
    const before = this.messages.length;
    this.messages = this.messages.filter((m) => m.blockNumber <= above || m.batchNumber !== null);
    this.checkpoint = forkPoint;
    return Promise.resolve(before - this.messages.length);
  }

  lastSealedBlock(): Promise<bigint | null> {
    return Promise.resolve(this.batches.at(-1)?.lastBlock ?? null);
  }

  countUnsealed(upToBlock: bigint): Promise<number> {
    return Promise.resolve(this.unsealed(upToBlock).length);
  }

  unsealedMessages(upToBlock: bigint, limit: number): Promise<StoredMessage[]> {
    return Promise.resolve(this.unsealed(upToBlock).slice(0, limit));
  }

  lastBatch(): Promise<SealedBatch | null> {
    return Promise.resolve(this.batches.at(-1) ?? null);
  }

  saveBatch({ batch, leaves, sealedCheckpoint, frontier }: NewBatch): Promise<void> {
    if (this.failNextSave) {
      this.failNextSave = false;
      return Promise.reject(new Error('transaction aborted'));
    }
    if (this.batches.some((b) => b.batchNumber === batch.batchNumber)) {
      return Promise.reject(new Error(`duplicate batch ${batch.batchNumber}`));
    }
    this.batches.push({ ...batch, sealedAt: new Date(), publishedAt: null });
    for (const { id, leafIndex } of leaves) {
      const m = this.messages.find((x) => x.id === id)!;
      m.batchNumber = batch.batchNumber;
      m.leafIndex = leafIndex;
    }
    this.sealedCheckpoint = sealedCheckpoint;
    this.frontier = copyFrontier(frontier);
    if (this.failAfterNextSave) {
      this.failAfterNextSave = false;
      return Promise.reject(new Error('connection lost after commit'));
    }
    return Promise.resolve();
  }

  chainTreeFrontier(): Promise<ChainTreeFrontier | null> {
    return Promise.resolve(this.frontier && copyFrontier(this.frontier));
  }

  saveChainTreeFrontier(frontier: ChainTreeFrontier): Promise<void> {
    this.frontier = copyFrontier(frontier);
    return Promise.resolve();
  }

  sealedBatchRoots(fromBatch: bigint, limit: number): Promise<SealedBatchRoot[]> {
    return Promise.resolve(
      [...this.batches]
        .sort((a, b) => (a.batchNumber < b.batchNumber ? -1 : 1))
        .filter((b) => b.batchNumber >= fromBatch)
        .slice(0, limit)
        .map(({ batchNumber, batchRoot, chainRoot }) => ({ batchNumber, batchRoot, chainRoot })),
    );
  }

  unpublishedBatches(): Promise<SealedBatch[]> {
    return Promise.resolve(this.batches.filter((b) => b.publishedAt === null));
  }

  batchMessages(fromBatch: bigint, toBatch: bigint): Promise<StoredMessage[]> {
    return Promise.resolve(
      this.messages
        .filter((m) => m.batchNumber !== null && m.batchNumber >= fromBatch && m.batchNumber <= toBatch)
        .sort((a, b) =>
          a.batchNumber === b.batchNumber ? a.leafIndex! - b.leafIndex! : a.batchNumber! < b.batchNumber! ? -1 : 1,
        ),
    );
  }

  markPublished(batchNumbers: bigint[]): Promise<void> {
    for (const n of batchNumbers) this.batches.find((b) => b.batchNumber === n)!.publishedAt = new Date();
    return Promise.resolve();
  }

  publishFailures: { batchNumber: bigint; error: string }[] = [];

  recordPublishFailure(batchNumber: bigint, error: string): Promise<void> {
    this.publishFailures.push({ batchNumber, error });
    return Promise.resolve();
  }

  pruneBlocks(below: bigint): Promise<void> {
    for (const n of [...this.blocks.keys()]) if (n < below) this.blocks.delete(n);
    return Promise.resolve();
  }

  private unsealed(upToBlock: bigint): StoredMessage[] {
    return this.messages
      .filter((m) => m.batchNumber === null && m.blockNumber <= upToBlock)
      .sort((a, b) =>
        a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
      );
  }
}

function copyFrontier(f: ChainTreeFrontier): ChainTreeFrontier {
  return { size: f.size, frontier: [...f.frontier], root: f.root };
}
