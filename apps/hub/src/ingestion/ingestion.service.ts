import { interopHubDomain, recoverBatchRootSigner, type BatchRootRecord } from '@interop/protocol';
import { Inject, Injectable } from '@nestjs/common';
import type { Address, TypedDataDomain } from 'viem';

import { HUB_CONFIG, type HubConfig } from '../config/hubConfig';
import { HubMetrics } from '../metrics/hubMetrics';
import {
  BatchesRepository,
  type IngestionStore,
  type IngestSnapshot,
  type RecordSource,
  type StoredBatch,
} from './batches.repository';

/** Why a batch root was dead-lettered (stable codes, also the `reason` label of the rejection metric). */
export type RejectionCode =
  | 'CHAIN_UNKNOWN'
  | 'CHAIN_NOT_ACTIVE'
  | 'CHAIN_PAUSED'
  | 'CHAIN_FLAGGED'
  | 'SIGNATURE_INVALID'
  | 'EQUIVOCATION'
  | 'BATCH_CONFLICT';

/** What happened to one record. */
export type IngestOutcome =
  | { kind: 'accepted'; batchNumber: bigint }
  | { kind: 'held'; batchNumber: bigint; expected: bigint }
  | { kind: 'duplicate' }
  | { kind: 'skipped' }
  | { kind: 'rejected'; code: RejectionCode; reason: string };

/** Publishes a rejected record to the dead-letter topic (the consumer supplies it, it knows the raw record). */
export type DeadLetterFn = (code: RejectionCode, reason: string) => Promise<void>;

/**
 * Validates and stores signed batch roots (after the schema check at the Kafka edge): the chain must be registered
 * and active, the signature must recover to its operator, batch numbers must follow each other (a gap is held until
 * it fills), an identical duplicate is ignored and a different root for a known number is an equivocation (recorded,
 * dead-lettered, chain flagged). The batch and the consumer checkpoint are written in one transaction, and a record
 * at or below the checkpoint is skipped, so a redelivered record changes nothing.
 */
@Injectable()
export class IngestionService {
  private readonly domain: TypedDataDomain;

  constructor(
    @Inject(BatchesRepository) private readonly store: IngestionStore,
    @Inject(HubMetrics)
    private readonly metrics: Pick<HubMetrics, 'batchRootsIngested' | 'batchRootsRejected' | 'batchRootsDuplicate'>,
    @Inject(HUB_CONFIG) config: Pick<HubConfig, 'L1_CHAIN_ID' | 'L1_HUB_ADDRESS'>,
  ) {
    this.domain = interopHubDomain(config.L1_CHAIN_ID, config.L1_HUB_ADDRESS);
  }

  async ingest(record: BatchRootRecord, source: RecordSource, deadLetter: DeadLetterFn): Promise<IngestOutcome> {
    const snapshot = await this.store.load(source, record.chainId, record.batchNumber);
    if (snapshot.checkpoint !== undefined && source.offset <= snapshot.checkpoint) return { kind: 'skipped' };
    const outcome = await this.decide(record, snapshot);
    switch (outcome.kind) {
      case 'write':
        await this.store.commit({ checkpoint: source, insert: outcome.batch });
        this.metrics.batchRootsIngested.inc();
        return outcome.batch.status === 'held'
          ? { kind: 'held', batchNumber: record.batchNumber, expected: outcome.expected }
          : { kind: 'accepted', batchNumber: record.batchNumber };
      case 'duplicate':
        await this.store.commit({ checkpoint: source });
        this.metrics.batchRootsDuplicate.inc();
        return { kind: 'duplicate' };
      case 'reject': {
        // Dead letter first, checkpoint after: a crash in between re-sends the dead letter rather than losing it.
        await deadLetter(outcome.code, outcome.reason);
        await this.store.commit({
          checkpoint: source,
          ...(outcome.equivocation ? { equivocation: outcome.equivocation, flagChain: record.chainId } : {}),
        });
        this.metrics.batchRootsRejected.inc({ reason: outcome.code });
        return { kind: 'rejected', code: outcome.code, reason: outcome.reason };
      }
    }
  }

  private async decide(
    record: BatchRootRecord,
    snapshot: IngestSnapshot,
  ): Promise<
    | { kind: 'write'; batch: StoredBatch; expected: bigint }
    | { kind: 'duplicate' }
    | {
        kind: 'reject';
        code: RejectionCode;
        reason: string;
        equivocation?: {
          chainId: bigint;
          batchNumber: bigint;
          firstRoot: string;
          secondRoot: string;
          signature: string;
        };
      }
  > {
    const { chainId, batchNumber } = record;
    const chain = snapshot.chain;
    if (!chain) return { kind: 'reject', code: 'CHAIN_UNKNOWN', reason: `chain ${chainId} is not registered` };
    if (chain.status === 'paused')
      return { kind: 'reject', code: 'CHAIN_PAUSED', reason: `chain ${chainId} is paused` };
    if (chain.status === 'flagged') {
      return { kind: 'reject', code: 'CHAIN_FLAGGED', reason: `chain ${chainId} is flagged for equivocation` };
    }
    if (chain.status !== 'active') {
      return { kind: 'reject', code: 'CHAIN_NOT_ACTIVE', reason: `chain ${chainId} is ${chain.status}` };
    }
    let signer: Address | undefined;
    try {
      signer = await recoverBatchRootSigner(this.domain, record, record.signature);
    } catch {
      signer = undefined;
    }
    if (signer?.toLowerCase() !== chain.operator.toLowerCase()) {
      return {
        kind: 'reject',
        code: 'SIGNATURE_INVALID',
        reason: `signed by ${signer ?? 'nobody (malformed signature)'}, not by the operator ${chain.operator}`,
      };
    }
    const existing = snapshot.existing;
    if (existing) {
      if (existing.batchRoot.toLowerCase() !== record.batchRoot.toLowerCase()) {
        return {
          kind: 'reject',
          code: 'EQUIVOCATION',
          reason: `batch ${batchNumber} of chain ${chainId} already has root ${existing.batchRoot}; got ${record.batchRoot}`,
          equivocation: {
            chainId,
            batchNumber,
            firstRoot: existing.batchRoot,
            secondRoot: record.batchRoot.toLowerCase(),
            signature: record.signature,
          },
        };
      }
      if (
        existing.messageCount !== record.messageCount ||
        existing.firstBlock !== record.firstBlock ||
        existing.lastBlock !== record.lastBlock
      ) {
        return {
          kind: 'reject',
          code: 'BATCH_CONFLICT',
          reason: `batch ${batchNumber} of chain ${chainId} is known with other metadata (messageCount/blocks)`,
        };
      }
      return { kind: 'duplicate' };
    }
    const expected = snapshot.nextBatchNumber;
    return {
      kind: 'write',
      expected,
      batch: {
        chainId,
        batchNumber,
        batchRoot: record.batchRoot.toLowerCase(),
        messageCount: record.messageCount,
        firstBlock: record.firstBlock,
        lastBlock: record.lastBlock,
        signature: record.signature,
        // Below `expected` cannot happen: those numbers are all stored, so `existing` caught them.
        status: batchNumber === expected ? 'received' : 'held',
      },
    };
  }
}
