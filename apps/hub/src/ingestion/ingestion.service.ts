import { interopHubDomain, type BatchRootRecord } from '@interop/protocol';
import { Inject, Injectable } from '@nestjs/common';

import { HUB_CONFIG, type HubConfig } from '../config/hubConfig';
import { HubMetrics } from '../metrics/hubMetrics';
import { BatchesRepository, type IngestionStore, type PartitionSource } from './batches.repository';
import { BatchRootSigner } from './batchRootSigner';
import {
  planIngestion,
  type IngestEntry,
  type IngestOutcome,
  type IngestPlan,
  type RejectionCode,
} from './planIngestion';

export type { IngestOutcome, RejectionCode } from './planIngestion';

/** Where a Kafka record came from (its checkpoint key and offset). */
export type RecordSource = PartitionSource & { offset: bigint };

/** A record of a partition batch as the consumer hands it over (schema-checked, or why it is not a record). */
export type IncomingRecord =
  | { offset: bigint; record: BatchRootRecord }
  | { offset: bigint; invalid: { code: 'MALFORMED_JSON' | 'SCHEMA_VIOLATION'; reason: string } };

/**
 * Publishes the rejected records of a batch to the dead-letter topic, all acknowledged before it resolves (the
 * consumer supplies it, it knows the raw records).
 */
export type DeadLetterFn = (rejections: IngestPlan['rejections']) => Promise<void>;

/**
 * Validates and stores signed batch roots, a partition batch at a time: the chain must be registered and active, the
 * signature must recover to its operator (libsecp256k1, outside the transaction), batch numbers must follow each
 * other (a gap is held until it fills), an identical duplicate is ignored and a different root for a known number is
 * an equivocation (recorded, dead-lettered, chain flagged). One transaction per batch holds the partition's lock,
 * reads the state, publishes the dead letters, then writes the batches and the consumer checkpoint (the batch's last
 * offset); records at or below the checkpoint are skipped, so a redelivered batch changes nothing. The outcome of
 * every record is the one it would get if the records were ingested one by one ({@link planIngestion}).
 */
@Injectable()
export class IngestionService {
  private readonly signer: BatchRootSigner;

  constructor(
    @Inject(BatchesRepository) private readonly store: IngestionStore,
    @Inject(HubMetrics)
    private readonly metrics: Pick<HubMetrics, 'batchRootsIngested' | 'batchRootsRejected' | 'batchRootsDuplicate'>,
    @Inject(HUB_CONFIG) config: Pick<HubConfig, 'L1_CHAIN_ID' | 'L1_HUB_ADDRESS'>,
  ) {
    this.signer = new BatchRootSigner(interopHubDomain(config.L1_CHAIN_ID, config.L1_HUB_ADDRESS));
  }

  /** Ingests the records of one partition (in offset order); resolves with each record's outcome. */
  async ingestBatch(
    source: PartitionSource,
    records: readonly IncomingRecord[],
    deadLetter: DeadLetterFn,
  ): Promise<IngestOutcome[]> {
    if (records.length === 0) return [];
    // Signatures do not depend on the database: recovered before the transaction opens.
    const entries: IngestEntry[] = records.map((r) =>
      'invalid' in r
        ? r
        : { offset: r.offset, record: r.record, signer: this.signer.recover(r.record, r.record.signature) },
    );
    const keys = records.flatMap((r) =>
      'record' in r ? [{ chainId: r.record.chainId, batchNumber: r.record.batchNumber }] : [],
    );
    const plan = await this.store.inPartition(source, async (tx) => {
      const checkpoint = await tx.checkpoint();
      const last = records.at(-1)!.offset;
      if (checkpoint !== undefined && last <= checkpoint) return undefined;
      const planned = planIngestion(entries, await tx.snapshot(keys), checkpoint);
      // Dead letters first, checkpoint after: a crash in between re-sends the dead letters rather than losing them.
      if (planned.rejections.length > 0) await deadLetter(planned.rejections);
      await tx.write(source, planned.write);
      return planned;
    });
    if (!plan) return records.map(() => ({ kind: 'skipped' }));
    for (const o of plan.outcomes) {
      if (o.kind === 'accepted' || o.kind === 'held') this.metrics.batchRootsIngested.inc();
      else if (o.kind === 'duplicate') this.metrics.batchRootsDuplicate.inc();
      else if (o.kind === 'rejected') this.metrics.batchRootsRejected.inc({ reason: o.code });
    }
    return plan.outcomes;
  }

  /** Ingests one record (a batch of one). */
  async ingest(
    record: BatchRootRecord,
    source: RecordSource,
    deadLetter: (code: RejectionCode, reason: string) => Promise<void>,
  ): Promise<IngestOutcome> {
    const { offset, ...partition } = source;
    const [outcome] = await this.ingestBatch(partition, [{ offset, record }], async (rejections) => {
      for (const r of rejections) await deadLetter(r.code, r.reason);
    });
    return outcome!;
  }
}
