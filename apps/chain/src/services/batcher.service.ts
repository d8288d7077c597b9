import {
  batchLeaf,
  buildBatchTree,
  fieldToBytes32,
  IncrementalPoseidonTree,
  messageLeaf,
  type BatchRootCommitment,
} from '@interop/protocol';
import { Inject, Injectable, Logger } from '@nestjs/common';

import {
  appendBatch,
  emptyChainTree,
  frontierOf,
  restoreChainTree,
  type ChainTreeState,
} from '../chainTree/chainTreeState';
import { CHAIN_CONFIG, type ChainConfig } from '../config/chainConfig';
import { BATCH_SIGNER, CHAIN_STORE, CHAIN_TREE_DEPTH, type BatchSigner, type ChainStore } from '../domain/ports';
import type { SealedBatch, StoredMessage } from '../domain/types';
import { ChainTreeMismatchError, MessageIdMismatchError } from '../errors/chainErrors';
import { ChainMetrics } from '../metrics/chainMetrics';

export type BatcherSettings = Pick<
  ChainConfig,
  'CHAIN_ID' | 'CONFIRMATIONS' | 'BATCH_INTERVAL_MS' | 'BATCH_MIN_INTERVAL_MS' | 'BATCH_MAX_MESSAGES' | 'BATCH_DEPTH'
>;

/** A batch sealed by `sealDue`, with its messages in leaf order (batch number and leaf index set). */
export type SealedBatchSummary = BatchRootCommitment & { signature: `0x${string}`; messages: StoredMessage[] };

/** Sealed batches read per query when rebuilding the chain tree. */
const REBUILD_PAGE = 10_000;

/**
 * Seals batches of confirmed messages (blocks at least CONFIRMATIONS below the head, already scanned), driven by new
 * blocks. At each poll, when confirmed messages wait, it seals
 * - a full batch of BATCH_MAX_MESSAGES (the oldest) whenever that many wait;
 * - everything that waits, when the watcher has scanned every confirmed block (so what waits is what the new
 *   confirmed blocks brought, whole blocks) and BATCH_MIN_INTERVAL_MS (default 0) have passed since the last seal;
 * - everything that waits, once BATCH_INTERVAL_MS have passed since the last seal: the cap on waiting while the
 *   watcher is still catching up with a backlog (there, batches are filled to the cap instead of cut per range);
 * never an empty one. So on a chain with a block every second and steady traffic there is one batch per block
 * (more when a block brings more than BATCH_MAX_MESSAGES). Leaves are in (block, log index) order (SPEC "Batch tree"); the batch root and the chain root after it (the chain's Poseidon tree of its own
 * batches, SPEC "Chain tree", depth CHAIN_DEPTH from L1) are signed as the EIP-712 BatchRoot; the batch row, its
 * messages' batch number and leaf index, and the chain tree frontier after it are written in one transaction, under
 * a primary key (chain, batch number) that makes a reused number impossible. Publishing is the publisher's job (the
 * sealed batch is its outbox).
 *
 * The chain tree lives in memory as an IncrementalPoseidonTree: restored at the first poll from the stored frontier
 * (O(depth), checked against the last sealed batch), or rebuilt once from the sealed batches when no frontier is
 * stored. A batch is appended to a copy; the copy replaces the tree only once the batch is stored.
 */
@Injectable()
export class BatcherService {
  private readonly logger = new Logger(BatcherService.name);
  /** When the last batch was sealed (or the batcher started): the interval counts from there. */
  private lastSealAt = Date.now();
  /** The chain tree after the last sealed batch; null until restored (and after a failed save: reloaded then). */
  private chainTree: ChainTreeState | null = null;

  constructor(
    @Inject(CHAIN_STORE) private readonly store: ChainStore,
    @Inject(BATCH_SIGNER) private readonly signer: BatchSigner,
    @Inject(CHAIN_CONFIG) private readonly settings: BatcherSettings,
    @Inject(ChainMetrics) private readonly metrics: ChainMetrics,
    @Inject(CHAIN_TREE_DEPTH) private readonly chainDepth: number,
  ) {}

  /**
   * Seals what is due at `now` given the chain head and the last scanned block; returns the batches sealed (several
   * when more than BATCH_MAX_MESSAGES are waiting).
   *
   * @throws {ChainTreeMismatchError} when the stored chain tree disagrees with the sealed batches (nothing is signed).
   * @throws {ChainTreeFullError} when 2^CHAIN_DEPTH batches are sealed and more messages wait.
   */
  async sealDue(head: bigint, scannedTo: bigint | null, now: number = Date.now()): Promise<SealedBatchSummary[]> {
    await this.currentChainTree();
    if (scannedTo === null) return [];
    const confirmedHead = head - BigInt(this.settings.CONFIRMATIONS);
    const upTo = confirmedHead < scannedTo ? confirmedHead : scannedTo;
    if (upTo < 0n) return [];
    // Every confirmed block is scanned: what waits is what the new confirmed blocks brought.
    const caughtUp = scannedTo >= confirmedHead;
    const sealed: SealedBatchSummary[] = [];
    for (;;) {
      const waiting = await this.metrics.time('seal_db_read', () => this.store.countUnsealed(upTo));
      if (waiting === 0) break;
      const since = Math.max(0, now - this.lastSealAt);
      const due =
        waiting >= this.settings.BATCH_MAX_MESSAGES ||
        (caughtUp && since >= this.settings.BATCH_MIN_INTERVAL_MS) ||
        since >= this.settings.BATCH_INTERVAL_MS;
      if (!due) break;
      sealed.push(await this.sealOne(upTo));
      this.lastSealAt = now;
    }
    return sealed;
  }

  private async sealOne(upTo: bigint): Promise<SealedBatchSummary> {
    const messages = await this.metrics.time('seal_db_read', () =>
      this.store.unsealedMessages(upTo, this.settings.BATCH_MAX_MESSAGES),
    );
    const tree = this.metrics.timeSync('seal_compute', () => {
      const leaves = messages.map((m) => {
        const leaf = messageLeaf(m.message);
        if (leaf !== m.messageId.toLowerCase()) {
          throw new MessageIdMismatchError({ stored: m.messageId, computed: leaf });
        }
        return leaf;
      });
      return buildBatchTree(leaves, this.settings.BATCH_DEPTH);
    });
    const last: SealedBatch | null = await this.metrics.time('seal_db_read', () => this.store.lastBatch());
    const batchNumber = last ? last.batchNumber + 1n : 0n;
    const chainTree = await this.currentChainTree();
    const { next, frontier } = this.metrics.timeSync('seal_compute', () =>
      appendBatch(chainTree, this.chainDepth, tree.root, batchNumber),
    );
    const commitment: BatchRootCommitment = {
      chainId: this.settings.CHAIN_ID,
      batchNumber,
      batchRoot: tree.root,
      chainRoot: frontier.root,
      messageCount: messages.length,
      firstBlock: messages[0]!.blockNumber,
      lastBlock: messages[messages.length - 1]!.blockNumber,
    };
    const signature = await this.metrics.time('seal_sign', () => this.signer.sign(commitment));
    try {
      await this.metrics.time('seal_db_write', () =>
        this.store.saveBatch({
          batch: { ...commitment, signature },
          leaves: messages.map((m, leafIndex) => ({ id: m.id, leafIndex })),
          sealedCheckpoint: { number: commitment.lastBlock, hash: messages[messages.length - 1]!.blockHash },
          frontier,
        }),
      );
    } catch (e) {
      // Committed or not (a lost connection may hide a commit), the store knows: reload the tree from it next time.
      this.chainTree = null;
      throw e;
    }
    this.chainTree = next;
    this.metrics.batchesSealed.inc();
    this.metrics.setLastSealed(commitment.batchNumber, commitment.lastBlock);
    this.logger.log(
      `sealed batch ${commitment.batchNumber}: ${commitment.messageCount} messages, blocks ` +
        `${commitment.firstBlock}..${commitment.lastBlock}, root ${commitment.batchRoot}, chain root ${commitment.chainRoot}`,
    );
    return {
      ...commitment,
      signature,
      messages: messages.map((m, leafIndex) => ({ ...m, batchNumber, leafIndex })),
    };
  }

  /** The chain tree after the last sealed batch, restored (or rebuilt) from the store on first use. */
  private async currentChainTree(): Promise<ChainTreeState> {
    this.chainTree ??= await this.loadChainTree();
    return this.chainTree;
  }

  private async loadChainTree(): Promise<ChainTreeState> {
    const [row, last] = await Promise.all([this.store.chainTreeFrontier(), this.store.lastBatch()]);
    if (row === null) return last === null ? emptyChainTree(this.chainDepth) : this.rebuildChainTree(last);
    const expectedSize = last ? last.batchNumber + 1n : 0n;
    if (row.size !== expectedSize) {
      throw new ChainTreeMismatchError(
        `the stored frontier holds ${row.size} batches, the last sealed batch is ${last?.batchNumber ?? 'none'}`,
      );
    }
    if (last && row.root.toLowerCase() !== last.chainRoot.toLowerCase()) {
      throw new ChainTreeMismatchError(
        `the stored frontier has root ${row.root}, batch ${last.batchNumber} was signed with chain root ${last.chainRoot}`,
      );
    }
    const state = restoreChainTree(this.chainDepth, row);
    this.logger.log(`chain tree restored from its frontier: ${state.size} batches, root ${state.root}`);
    return state;
  }

  /**
   * Rebuilds the tree from every sealed batch in batch-number order (a database without a frontier row), checking
   * each signed chain root on the way, and stores the frontier so that it happens once.
   */
  private async rebuildChainTree(last: SealedBatch): Promise<ChainTreeState> {
    const started = Date.now();
    const tree = new IncrementalPoseidonTree(this.chainDepth);
    let next = 0n;
    for (;;) {
      const page = await this.store.sealedBatchRoots(next, REBUILD_PAGE);
      for (const b of page) {
        if (b.batchNumber !== next) {
          throw new ChainTreeMismatchError(`sealed batch ${next} is missing (the next one stored is ${b.batchNumber})`);
        }
        if (tree.size >= 2 ** this.chainDepth) {
          throw new ChainTreeMismatchError(
            `batch ${b.batchNumber} does not fit a chain tree of depth ${this.chainDepth}`,
          );
        }
        tree.append(batchLeaf(b.batchRoot, b.batchNumber));
        const root = fieldToBytes32(tree.root);
        if (root !== b.chainRoot.toLowerCase()) {
          throw new ChainTreeMismatchError(
            `batch ${b.batchNumber} was signed with chain root ${b.chainRoot}, the tree of batches 0..${b.batchNumber} has ${root}`,
          );
        }
        next++;
      }
      if (page.length < REBUILD_PAGE) break;
    }
    if (next !== last.batchNumber + 1n) {
      throw new ChainTreeMismatchError(`rebuilt ${next} batches, the last sealed batch is ${last.batchNumber}`);
    }
    const frontier = frontierOf(tree);
    await this.store.saveChainTreeFrontier(frontier);
    this.logger.log(
      `chain tree rebuilt from ${next} sealed batches in ${Date.now() - started} ms (no frontier was stored); ` +
        `root ${frontier.root}`,
    );
    return restoreChainTree(this.chainDepth, frontier);
  }
}
