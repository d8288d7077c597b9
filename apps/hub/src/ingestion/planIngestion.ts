import type { BatchRootRecord } from '@interop/protocol';

/** A stored batch root. */
export type StoredBatch = {
  chainId: bigint;
  batchNumber: bigint;
  batchRoot: string;
  /** The chain root after the batch, as signed. */
  chainRoot: string;
  messageCount: number;
  firstBlock: bigint;
  lastBlock: bigint;
  signature: string;
  status: 'held' | 'received' | 'aggregated';
};

/** Why a batch root was dead-lettered (stable codes, also the `reason` label of the rejection metric). */
export type RejectionCode =
  | 'MALFORMED_JSON'
  | 'SCHEMA_VIOLATION'
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

/**
 * One record of a partition, after the edge checks: a schema-valid record with the signer recovered from its
 * signature (undefined when the signature is malformed), or the reason it is not a batch-root record at all.
 */
export type IngestEntry =
  | { offset: bigint; record: BatchRootRecord; signer: string | undefined }
  | { offset: bigint; invalid: { code: 'MALFORMED_JSON' | 'SCHEMA_VIOLATION'; reason: string } };

export type Equivocation = {
  chainId: bigint;
  batchNumber: bigint;
  firstRoot: string;
  secondRoot: string;
  signature: string;
};

/** The database state the records of one partition batch are judged against. */
export type BatchSnapshot = {
  /** The chains the records name (absent: not registered). */
  chains: ReadonlyMap<bigint, { status: string; operator: string }>;
  /** The stored batches with the (chain id, batch number) of a record, and every held batch of those chains. */
  batches: ReadonlyMap<string, StoredBatch>;
  /** Per chain: one past the highest received or aggregated batch number (absent: 0). */
  nextBatchNumber: ReadonlyMap<bigint, bigint>;
};

/** Everything a partition batch changes, written in one transaction with the checkpoint (its last offset). */
export type BatchWrite = {
  checkpoint: bigint;
  /** New batches with their final status (a held one the same batch connects is inserted as received). */
  inserts: StoredBatch[];
  /** Held batches already stored that this batch connects: their status becomes received. */
  promote: Array<{ chainId: bigint; batchNumber: bigint }>;
  equivocations: Equivocation[];
  flagChains: bigint[];
};

/** The plan for a partition batch: per-entry outcomes, the dead letters to publish first, and the write. */
export type IngestPlan = {
  outcomes: IngestOutcome[];
  rejections: Array<{ offset: bigint; code: RejectionCode; reason: string }>;
  write: BatchWrite;
};

/** Map key of a batch. */
export function batchKey(chainId: bigint, batchNumber: bigint): string {
  return `${chainId}/${batchNumber}`;
}

/**
 * Judges the records of one partition in offset order, exactly as if each were judged alone after the previous
 * one was written: the chain must be registered and active, the signer must be its operator, batch numbers follow
 * each other (a gap is held until filled, then the run is promoted), an identical duplicate is acknowledged, other
 * metadata for a known batch is a conflict and another root an equivocation (recorded, chain flagged, every later
 * record of the chain refused). Entries at or below `checkpoint` are skipped. Pure: the snapshot is not modified.
 */
export function planIngestion(
  entries: readonly IngestEntry[],
  snapshot: BatchSnapshot,
  checkpoint: bigint | undefined,
): IngestPlan {
  const chains = new Map<bigint, { status: string; operator: string }>();
  for (const [id, c] of snapshot.chains) chains.set(id, { ...c });
  const batches = new Map<string, StoredBatch & { stored?: boolean }>();
  for (const [k, b] of snapshot.batches) batches.set(k, { ...b, stored: true });
  const next = new Map(snapshot.nextBatchNumber);
  const outcomes: IngestOutcome[] = [];
  const rejections: IngestPlan['rejections'] = [];
  const write: BatchWrite = {
    checkpoint: checkpoint ?? -1n,
    inserts: [],
    promote: [],
    equivocations: [],
    flagChains: [],
  };
  const insertsByKey = new Map<string, StoredBatch>();

  const reject = (offset: bigint, code: RejectionCode, reason: string): void => {
    outcomes.push({ kind: 'rejected', code, reason });
    rejections.push({ offset, code, reason });
  };

  for (const entry of entries) {
    if (checkpoint !== undefined && entry.offset <= checkpoint) {
      outcomes.push({ kind: 'skipped' });
      continue;
    }
    if (entry.offset > write.checkpoint) write.checkpoint = entry.offset;
    if ('invalid' in entry) {
      reject(entry.offset, entry.invalid.code, entry.invalid.reason);
      continue;
    }
    const { record, signer, offset } = entry;
    const { chainId, batchNumber } = record;
    const chain = chains.get(chainId);
    if (!chain) {
      reject(offset, 'CHAIN_UNKNOWN', `chain ${chainId} is not registered`);
      continue;
    }
    if (chain.status === 'paused') {
      reject(offset, 'CHAIN_PAUSED', `chain ${chainId} is paused`);
      continue;
    }
    if (chain.status === 'flagged') {
      reject(offset, 'CHAIN_FLAGGED', `chain ${chainId} is flagged for equivocation`);
      continue;
    }
    if (chain.status !== 'active') {
      reject(offset, 'CHAIN_NOT_ACTIVE', `chain ${chainId} is ${chain.status}`);
      continue;
    }
    if (signer?.toLowerCase() !== chain.operator.toLowerCase()) {
      reject(
        offset,
        'SIGNATURE_INVALID',
        `signed by ${signer ?? 'nobody (malformed signature)'}, not by the operator ${chain.operator}`,
      );
      continue;
    }
    const key = batchKey(chainId, batchNumber);
    const existing = batches.get(key);
    if (existing) {
      if (existing.batchRoot.toLowerCase() !== record.batchRoot.toLowerCase()) {
        reject(
          offset,
          'EQUIVOCATION',
          `batch ${batchNumber} of chain ${chainId} already has root ${existing.batchRoot}; got ${record.batchRoot}`,
        );
        write.equivocations.push({
          chainId,
          batchNumber,
          firstRoot: existing.batchRoot,
          secondRoot: record.batchRoot.toLowerCase(),
          signature: record.signature,
        });
        chain.status = 'flagged';
        if (!write.flagChains.includes(chainId)) write.flagChains.push(chainId);
        continue;
      }
      if (
        existing.chainRoot.toLowerCase() !== record.chainRoot.toLowerCase() ||
        existing.messageCount !== record.messageCount ||
        existing.firstBlock !== record.firstBlock ||
        existing.lastBlock !== record.lastBlock
      ) {
        reject(
          offset,
          'BATCH_CONFLICT',
          `batch ${batchNumber} of chain ${chainId} is known with another chain root or other metadata (messageCount/blocks)`,
        );
        continue;
      }
      outcomes.push({ kind: 'duplicate' });
      continue;
    }
    const expected = next.get(chainId) ?? 0n;
    // Below `expected` cannot happen: those numbers are all stored, so `existing` caught them.
    const status = batchNumber === expected ? 'received' : 'held';
    const batch: StoredBatch = {
      chainId,
      batchNumber,
      batchRoot: record.batchRoot.toLowerCase(),
      chainRoot: record.chainRoot.toLowerCase(),
      messageCount: record.messageCount,
      firstBlock: record.firstBlock,
      lastBlock: record.lastBlock,
      signature: record.signature,
      status,
    };
    batches.set(key, batch);
    insertsByKey.set(key, batch);
    write.inserts.push(batch);
    if (status === 'held') {
      outcomes.push({ kind: 'held', batchNumber, expected });
      continue;
    }
    outcomes.push({ kind: 'accepted', batchNumber });
    // Promote the held batches this one connects (n+1, n+2, ... while consecutive).
    let n = batchNumber + 1n;
    for (;;) {
      const held = batches.get(batchKey(chainId, n));
      if (held?.status !== 'held') break;
      held.status = 'received';
      const inserted = insertsByKey.get(batchKey(chainId, n));
      if (inserted) inserted.status = 'received';
      else write.promote.push({ chainId, batchNumber: n });
      n += 1n;
    }
    next.set(chainId, n);
  }
  return { outcomes, rejections, write };
}
