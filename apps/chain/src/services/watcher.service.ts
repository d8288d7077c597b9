import { Inject, Injectable, Logger } from '@nestjs/common';

import { CHAIN_CONFIG, type ChainConfig } from '../config/chainConfig';
import { CHAIN_READER, CHAIN_STORE, type ChainReader, type ChainStore } from '../domain/ports';
import type { BlockRef } from '../domain/types';
import { DeepReorgError, InconsistentReadError } from '../errors/chainErrors';
import { ChainMetrics } from '../metrics/chainMetrics';

export type WatcherSettings = Pick<ChainConfig, 'START_BLOCK' | 'MAX_BLOCK_RANGE' | 'CONFIRMATIONS'>;

/** What one poll did. */
export type WatcherTickResult = {
  head: bigint;
  /** Last scanned block after the poll (null before the start block). */
  scannedTo: bigint | null;
  newMessages: number;
  /** Set when a replaced block was noticed: the block rolled back to (null = before START_BLOCK). */
  reorg: { forkPoint: bigint | null; droppedMessages: number } | null;
};

/**
 * Watches the chain's InteropCenter `MessageSent` events, reorg-safe. Each poll (1) checks that the last scanned
 * block is still canonical (its hash); if not, walks back through the remembered blocks to the newest one the chain
 * still has (the fork point), drops what it had recorded above it that is not sealed, and rescans from there;
 * (2) scans the next block range up to the head: block headers first (their parent hashes must link to the
 * checkpoint and to each other), then the logs (each log's block hash must be the header's), then the last header
 * again (unchanged = the range was read from one fork); a read that straddles a reorg is retried on the next poll.
 * Messages are recorded up to the head for visibility; the batcher seals only CONFIRMATIONS-deep ones.
 */
@Injectable()
export class WatcherService {
  private readonly logger = new Logger(WatcherService.name);

  constructor(
    @Inject(CHAIN_READER) private readonly reader: ChainReader,
    @Inject(CHAIN_STORE) private readonly store: ChainStore,
    @Inject(CHAIN_CONFIG) private readonly settings: WatcherSettings,
    @Inject(ChainMetrics) private readonly metrics: ChainMetrics,
  ) {}

  /** One poll: reorg check, then one range scan. */
  async tick(): Promise<WatcherTickResult> {
    const head = await this.rpc(() => this.reader.headNumber());
    this.metrics.setHead(head);
    let checkpoint = await this.db(() => this.store.scanCheckpoint());
    let reorg: WatcherTickResult['reorg'] = null;

    if (checkpoint) {
      const canonical = checkpoint.number <= head ? await this.rpc(() => this.reader.block(checkpoint!.number)) : null;
      if (!canonical || canonical.hash !== checkpoint.hash) {
        const forkPoint = await this.findForkPoint(checkpoint.number);
        const droppedMessages = await this.store.rollback(forkPoint);
        this.metrics.reorgsDetected.inc();
        reorg = { forkPoint: forkPoint?.number ?? null, droppedMessages };
        this.logger.warn(
          `reorg: block ${checkpoint.number} (${checkpoint.hash}) was replaced; rolled back to ` +
            `${forkPoint?.number ?? 'before START_BLOCK'}, dropped ${droppedMessages} unsealed messages`,
        );
        checkpoint = forkPoint;
      }
    }

    const from = checkpoint ? checkpoint.number + 1n : this.settings.START_BLOCK;
    if (from > head) {
      this.metrics.setLastBlockSeen(checkpoint?.number ?? null);
      return { head, scannedTo: checkpoint?.number ?? null, newMessages: 0, reorg };
    }
    const to = min(head, from + BigInt(this.settings.MAX_BLOCK_RANGE) - 1n);
    const newMessages = await this.scan(checkpoint, from, to);
    this.metrics.setLastBlockSeen(to);
    await this.prune(head, to);
    return { head, scannedTo: to, newMessages, reorg };
  }

  private rpc<T>(work: () => Promise<T>): Promise<T> {
    return this.metrics.time('watch_rpc', work);
  }

  private db<T>(work: () => Promise<T>): Promise<T> {
    return this.metrics.time('watch_db', work);
  }

  /** The newest remembered block at or below `below` that the chain still has, or null if none is left. */
  private async findForkPoint(below: bigint): Promise<BlockRef | null> {
    const known = await this.store.knownBlocks(below);
    for (const block of known) {
      const canonical = await this.reader.block(block.number);
      if (canonical && canonical.hash === block.hash) {
        await this.assertNotSealed(block.number);
        return block;
      }
    }
    // Nothing remembered survived: only acceptable while nothing is sealed (rescan from START_BLOCK).
    await this.assertNotSealed(null);
    return null;
  }

  private async assertNotSealed(forkPoint: bigint | null): Promise<void> {
    const lastSealed = await this.store.lastSealedBlock();
    if (lastSealed !== null && (forkPoint === null || forkPoint < lastSealed)) {
      throw new DeepReorgError({ forkPoint: forkPoint?.toString() ?? null, lastSealedBlock: lastSealed.toString() });
    }
  }

  private async scan(checkpoint: BlockRef | null, from: bigint, to: bigint): Promise<number> {
    const blocks = await this.rpc(() => this.reader.blocks(from, to));
    if (blocks.length !== Number(to - from + 1n)) throw new InconsistentReadError(`blocks ${from}..${to} incomplete`);
    let parent = checkpoint;
    for (const block of blocks) {
      if (parent && block.parentHash !== parent.hash) {
        throw new InconsistentReadError(`block ${block.number} does not extend ${parent.number} (${parent.hash})`);
      }
      parent = block;
    }
    const byNumber = new Map(blocks.map((b) => [b.number, b]));
    const messages = await this.rpc(() => this.reader.messageSentLogs(from, to));
    for (const m of messages) {
      if (byNumber.get(m.blockNumber)?.hash !== m.blockHash) {
        throw new InconsistentReadError(`log ${m.blockNumber}/${m.logIndex} is from block ${m.blockHash}`);
      }
    }
    const last = blocks[blocks.length - 1]!;
    const again = await this.rpc(() => this.reader.block(last.number));
    if (again?.hash !== last.hash) throw new InconsistentReadError(`block ${last.number} changed during the scan`);
    await this.db(() => this.store.recordScan({ blocks, messages, checkpoint: last }));
    this.metrics.messagesSeen.inc(messages.length);
    if (messages.length > 0) this.logger.log(`recorded ${messages.length} messages of blocks ${from}..${to}`);
    return messages.length;
  }

  /**
   * Remembered blocks are only needed where a reorg can still happen (less than CONFIRMATIONS deep) and from the
   * last sealed block up (to tell a deep reorg from a shallow one); one block below both, and never the checkpoint
   * block itself, is kept as an anchor.
   */
  private async prune(head: bigint, scannedTo: bigint): Promise<void> {
    const confirmedBelow = min(head - BigInt(this.settings.CONFIRMATIONS) - 1n, scannedTo);
    const lastSealed = await this.db(() => this.store.lastSealedBlock());
    const keepFrom = lastSealed === null ? confirmedBelow : min(confirmedBelow, lastSealed);
    if (keepFrom > 0n) await this.db(() => this.store.pruneBlocks(keepFrom));
  }
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
