import { KafkaProducerService } from '@interop/infra';
import { SHARED_ROOT_RECORD_KEY, sharedRootRecordToJson } from '@interop/protocol';
import { Inject, Injectable } from '@nestjs/common';

import { HUB_CONFIG, type HubConfig } from '../config/hubConfig';
import type { EpochRecord } from './epochTypes';

/** Publishes a settled epoch to `interop.shared-roots` (one partition, one key: consumers read epochs in order). */
@Injectable()
export class SharedRootPublisher {
  constructor(
    @Inject(KafkaProducerService) private readonly producer: KafkaProducerService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async publish(e: EpochRecord): Promise<void> {
    if (e.l1TxHash === null || e.l1Block === null) throw new Error(`epoch ${e.number} is not settled`);
    await this.producer.send(
      this.config.TOPIC_SHARED_ROOTS,
      SHARED_ROOT_RECORD_KEY,
      sharedRootRecordToJson({
        epoch: e.number,
        prevRoot: e.prevRoot,
        root: e.root,
        shapeId: e.shapeId,
        dataCommitment: e.dataCommitment,
        updates: e.updates.map((u) => ({
          slot: u.slot,
          chainId: u.chainId,
          batchNumber: u.batchNumber,
          batchRoot: u.batchRoot,
          chainRoot: u.chainRoot,
          messageCount: u.messageCount,
          firstBlock: u.firstBlock,
          lastBlock: u.lastBlock,
        })),
        l1TxHash: e.l1TxHash,
        l1BlockNumber: e.l1Block,
      }),
    );
  }
}
