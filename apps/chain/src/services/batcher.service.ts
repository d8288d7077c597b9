import { buildBatchTree, messageLeaf, type BatchRootCommitment } from '@interop/protocol';
import { Inject, Injectable, Logger } from '@nestjs/common';

import { CHAIN_CONFIG, type ChainConfig } from '../config/chainConfig';
import { BATCH_SIGNER, CHAIN_STORE, type BatchSigner, type ChainStore } from '../domain/ports';
import type { SealedBatch } from '../domain/types';
import { MessageIdMismatchError } from '../errors/chainErrors';
import { ChainMetrics } from '../metrics/chainMetrics';

export type BatcherSettings = Pick<
  ChainConfig,
  'CHAIN_ID' | 'CONFIRMATIONS' | 'BATCH_INTERVAL_MS' | 'BATCH_MAX_MESSAGES' | 'BATCH_DEPTH'
>;

/** A batch sealed by `sealDue`. */
export type SealedBatchSummary = BatchRootCommitment & { signature: `0x${string}` };

/**
 * Seals batches of confirmed messages (blocks at least CONFIRMATIONS below the head, already scanned): one every
 * BATCH_INTERVAL_MS, or as soon as BATCH_MAX_MESSAGES are waiting, never an empty one. Leaves are in (block, log
 * index) order (SPEC "Batch tree"); the root is signed as the EIP-712 BatchRoot; the batch row, its messages'
 * batch number and leaf index are written in one transaction, under a primary key (chain, batch number) that makes a
 * reused number impossible. Publishing is the publisher's job (the sealed batch is its outbox).
 */
@Injectable()
export class BatcherService {
  private readonly logger = new Logger(BatcherService.name);
  /** When the last batch was sealed (or the batcher started): the interval counts from there. */
  private lastSealAt = Date.now();

  constructor(
    @Inject(CHAIN_STORE) private readonly store: ChainStore,
    @Inject(BATCH_SIGNER) private readonly signer: BatchSigner,
    @Inject(CHAIN_CONFIG) private readonly settings: BatcherSettings,
    @Inject(ChainMetrics) private readonly metrics: ChainMetrics,
  ) {}

  /**
   * Seals what is due at `now` given the chain head and the last scanned block; returns the batches sealed (several
   * when more than BATCH_MAX_MESSAGES are waiting).
   */
  async sealDue(head: bigint, scannedTo: bigint | null, now: number = Date.now()): Promise<SealedBatchSummary[]> {
    if (scannedTo === null) return [];
    const confirmedHead = head - BigInt(this.settings.CONFIRMATIONS);
    const upTo = confirmedHead < scannedTo ? confirmedHead : scannedTo;
    if (upTo < 0n) return [];
    const sealed: SealedBatchSummary[] = [];
    for (;;) {
      const waiting = await this.store.countUnsealed(upTo);
      if (waiting === 0) break;
      const full = waiting >= this.settings.BATCH_MAX_MESSAGES;
      if (!full && now - this.lastSealAt < this.settings.BATCH_INTERVAL_MS) break;
      sealed.push(await this.sealOne(upTo));
      this.lastSealAt = now;
    }
    return sealed;
  }

  private async sealOne(upTo: bigint): Promise<SealedBatchSummary> {
    const messages = await this.store.unsealedMessages(upTo, this.settings.BATCH_MAX_MESSAGES);
    const leaves = messages.map((m) => {
      const leaf = messageLeaf(m.message);
      if (leaf !== m.messageId.toLowerCase()) throw new MessageIdMismatchError({ stored: m.messageId, computed: leaf });
      return leaf;
    });
    const tree = buildBatchTree(leaves, this.settings.BATCH_DEPTH);
    const last: SealedBatch | null = await this.store.lastBatch();
    const commitment: BatchRootCommitment = {
      chainId: this.settings.CHAIN_ID,
      batchNumber: last ? last.batchNumber + 1n : 0n,
      batchRoot: tree.root,
      messageCount: messages.length,
      firstBlock: messages[0]!.blockNumber,
      lastBlock: messages[messages.length - 1]!.blockNumber,
    };
    const signature = await this.signer.sign(commitment);
    await this.store.saveBatch({
      batch: { ...commitment, signature },
      leaves: messages.map((m, leafIndex) => ({ id: m.id, leafIndex })),
      sealedCheckpoint: { number: commitment.lastBlock, hash: messages[messages.length - 1]!.blockHash },
    });
    this.metrics.batchesSealed.inc();
    this.metrics.setLastSealed(commitment.batchNumber, commitment.lastBlock);
    this.logger.log(
      `sealed batch ${commitment.batchNumber}: ${commitment.messageCount} messages, blocks ` +
        `${commitment.firstBlock}..${commitment.lastBlock}, root ${commitment.batchRoot}`,
    );
    return { ...commitment, signature };
  }
}
