import { messageLeaf, type MessageRecord, type SharedRootRecord } from '@interop/protocol';
import { Inject, Injectable, Logger } from '@nestjs/common';

import { ChainGateway } from '../chains/chainGateway';
import { BRIDGE_CONFIG, type BridgeConfig } from '../config/bridgeConfig';
import { TreeStateService } from '../trees/treeState.service';
import { IntakeRepository, type RecordSource } from './intake.repository';

/** Publishes the record being handled to the dead-letter topic with a stable code and the reason. */
export type DeadLetterFn = (code: string, reason: string) => Promise<void>;

/** What happened to one record. */
export type IntakeOutcome =
  { kind: 'stored' } | { kind: 'skipped' } | { kind: 'duplicate' } | { kind: 'rejected'; code: string; reason: string };

/**
 * The bridge's intake of `interop.messages` and `interop.shared-roots` (after the zod check at the Kafka edge).
 * Kafka is not trusted: message records are only grouped here, a batch's messages become relayable once all its
 * records hash into its root and a settled shared root includes exactly that root (see IntakeRepository); a shared
 * root is trusted only if replaying its updates over the previous settled root gives it and gives, after each update,
 * the chain root its operator signed (the update's `chainRoot`), and (with L1_HUB_ADDRESS) if L1's
 * `InteropHub.rootAt(epoch)` is that root; otherwise it is dead-lettered with the check's code. A record at or below
 * the consumer checkpoint is skipped.
 */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger('Intake');

  constructor(
    @Inject(IntakeRepository) private readonly repo: IntakeRepository,
    @Inject(TreeStateService) private readonly trees: TreeStateService,
    @Inject(ChainGateway) private readonly chains: ChainGateway,
    @Inject(BRIDGE_CONFIG) private readonly config: Pick<BridgeConfig, 'depths'>,
  ) {}

  /**
   * Handles consecutive `interop.messages` records of one partition (those that passed the edge check) in one
   * database transaction, which also moves the partition's checkpoint to `last` (the last record read, checked or
   * not). Records at or below the stored checkpoint are skipped. Resolves how many were stored.
   */
  async onMessageRecords(
    records: ReadonlyArray<{ record: MessageRecord; source: RecordSource }>,
    last: RecordSource,
  ): Promise<number> {
    const checkpoint = await this.repo.checkpoint(last);
    if (checkpoint !== undefined && last.offset <= checkpoint) return 0;
    const fresh = records.filter((r) => checkpoint === undefined || r.source.offset > checkpoint);
    await this.repo.storeMessages(
      last,
      fresh.map((r) => ({ record: r.record, messageId: messageLeaf(r.record.message) })),
      this.config.depths.batchDepth,
    );
    return fresh.length;
  }

  /** Handles one `interop.shared-roots` record. */
  async onSharedRoot(record: SharedRootRecord, source: RecordSource, deadLetter: DeadLetterFn): Promise<IntakeOutcome> {
    if (await this.seen(source)) return { kind: 'skipped' };
    const reject = async (code: string, reason: string): Promise<IntakeOutcome> => {
      // Dead letter first, checkpoint after: a crash in between re-sends the dead letter rather than losing it.
      this.logger.warn(`shared root of epoch ${record.epoch} rejected: ${code}: ${reason}`);
      await deadLetter(code, reason);
      await this.repo.advance(source);
      return { kind: 'rejected', code, reason };
    };
    const stored = await this.repo.storedEpoch(record.epoch);
    if (stored) {
      if (stored.root === record.root) {
        await this.repo.advance(source);
        return { kind: 'duplicate' };
      }
      return reject('EPOCH_CONFLICT', `epoch ${record.epoch} is stored with root ${stored.root}, not ${record.root}`);
    }
    await this.trees.sync();
    const check = this.trees.check(record);
    if (!check.ok) return reject(check.code, check.reason);
    const l1Root = await this.chains.l1RootAt(record.epoch);
    if (l1Root !== undefined && l1Root.toLowerCase() !== record.root.toLowerCase()) {
      return reject('SHARED_ROOT_NOT_ON_L1', `InteropHub.rootAt(${record.epoch}) is ${l1Root}, not ${record.root}`);
    }
    await this.repo.storeEpoch(source, { ...record, l1Block: record.l1BlockNumber }, this.config.depths.batchDepth);
    await this.trees.sync();
    return { kind: 'stored' };
  }

  private async seen(source: RecordSource): Promise<boolean> {
    const checkpoint = await this.repo.checkpoint(source);
    return checkpoint !== undefined && source.offset <= checkpoint;
  }
}
