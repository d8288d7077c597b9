import { interopHubDomain, signBatchRoot, type BatchRootCommitment, type BatchRootRecord } from '@interop/protocol';
import type { Address, Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { HubMetrics } from '../metrics/hubMetrics';
import type { IngestSnapshot, IngestWrite, IngestionStore, RecordSource, StoredBatch } from './batches.repository';
import { IngestionService, type RejectionCode } from './ingestion.service';

/** A 0x string as viem's Hex (template literals type as plain string). */
function hex(s: string): Hex {
  return s as Hex;
}

const HUB: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const KEY: Hex = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const OTHER: Hex = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';
const OPERATOR = privateKeyToAccount(KEY).address.toLowerCase();

/** In-memory IngestionStore with the repository's semantics (promotion of held batches included). */
class FakeStore implements IngestionStore {
  chains = new Map<bigint, { status: string; operator: string }>();
  batches = new Map<string, StoredBatch>();
  checkpoints = new Map<string, bigint>();
  equivocations: NonNullable<IngestWrite['equivocation']>[] = [];

  load(source: RecordSource, chainId: bigint, batchNumber: bigint): Promise<IngestSnapshot> {
    let next = 0n;
    for (const b of this.batches.values()) {
      if (b.chainId === chainId && b.status !== 'held' && b.batchNumber >= next) next = b.batchNumber + 1n;
    }
    const existing = this.batches.get(`${chainId}/${batchNumber}`);
    return Promise.resolve({
      checkpoint: this.checkpoints.get(`${source.consumer}/${source.topic}/${source.partition}`),
      chain: this.chains.get(chainId),
      existing: existing ? { ...existing } : undefined,
      nextBatchNumber: next,
    });
  }
  commit(w: IngestWrite): Promise<void> {
    if (w.insert) {
      this.batches.set(`${w.insert.chainId}/${w.insert.batchNumber}`, { ...w.insert });
      if (w.insert.status === 'received') {
        for (let n = w.insert.batchNumber + 1n; ; n++) {
          const held = this.batches.get(`${w.insert.chainId}/${n}`);
          if (held?.status !== 'held') break;
          held.status = 'received';
        }
      }
    }
    if (w.equivocation) this.equivocations.push(w.equivocation);
    if (w.flagChain !== undefined) this.chains.get(w.flagChain)!.status = 'flagged';
    const c = w.checkpoint;
    this.checkpoints.set(`${c.consumer}/${c.topic}/${c.partition}`, c.offset);
    return Promise.resolve();
  }
}

function commitment(batchNumber: bigint, rootByte = 'aa', chainId = 901n): BatchRootCommitment {
  return {
    chainId,
    batchNumber,
    batchRoot: hex(`0x${rootByte.repeat(32)}`),
    messageCount: 2,
    firstBlock: batchNumber * 10n,
    lastBlock: batchNumber * 10n + 9n,
  };
}

async function signed(c: BatchRootCommitment, key: Hex = KEY): Promise<BatchRootRecord> {
  return { ...c, signature: await signBatchRoot(key, interopHubDomain(900n, HUB), c) };
}

describe('IngestionService (fake store, real signatures)', () => {
  let store: FakeStore;
  let service: IngestionService;
  let metrics: HubMetrics;
  let offset = 0n;
  const deadLetters: Array<{ code: RejectionCode; reason: string }> = [];
  const source = (): RecordSource => ({ consumer: 'hub', topic: 't', partition: 0, offset: offset++ });
  const ingest = async (r: BatchRootRecord) =>
    service.ingest(r, source(), (code, reason) => {
      deadLetters.push({ code, reason });
      return Promise.resolve();
    });

  beforeEach(() => {
    store = new FakeStore();
    store.chains.set(901n, { status: 'active', operator: OPERATOR });
    metrics = new HubMetrics();
    service = new IngestionService(store, metrics, { L1_CHAIN_ID: 900n, L1_HUB_ADDRESS: HUB });
    deadLetters.length = 0;
    offset = 0n;
  });

  it('accepts the next batch and stores it as received, with the checkpoint', async () => {
    expect(await ingest(await signed(commitment(0n)))).toEqual({ kind: 'accepted', batchNumber: 0n });
    expect(store.batches.get('901/0')).toMatchObject({ status: 'received', batchRoot: hex(`0x${'aa'.repeat(32)}`) });
    expect(store.checkpoints.get('hub/t/0')).toBe(0n);
  });

  it('skips a record at or below the checkpoint without looking at it', async () => {
    store.checkpoints.set('hub/t/0', 5n);
    offset = 5n;
    expect(await ingest(await signed(commitment(0n)))).toEqual({ kind: 'skipped' });
    expect(store.batches.size).toBe(0);
  });

  it('holds a batch after a gap and promotes the run once the gap fills', async () => {
    expect(await ingest(await signed(commitment(0n)))).toMatchObject({ kind: 'accepted' });
    expect(await ingest(await signed(commitment(2n)))).toEqual({ kind: 'held', batchNumber: 2n, expected: 1n });
    expect(await ingest(await signed(commitment(3n)))).toMatchObject({ kind: 'held' });
    expect(store.batches.get('901/2')!.status).toBe('held');
    expect(await ingest(await signed(commitment(1n)))).toMatchObject({ kind: 'accepted' });
    expect([1n, 2n, 3n].map((n) => store.batches.get(`901/${n}`)!.status)).toEqual([
      'received',
      'received',
      'received',
    ]);
  });

  it('ignores an identical duplicate and rejects other metadata for a known root', async () => {
    await ingest(await signed(commitment(0n)));
    expect(await ingest(await signed(commitment(0n)))).toEqual({ kind: 'duplicate' });
    const other = { ...commitment(0n), messageCount: 3 };
    expect(await ingest(await signed(other))).toMatchObject({ kind: 'rejected', code: 'BATCH_CONFLICT' });
    expect(store.chains.get(901n)!.status).toBe('active');
  });

  it('records an equivocation, dead-letters it and flags the chain; the chain is refused afterwards', async () => {
    await ingest(await signed(commitment(0n)));
    expect(await ingest(await signed(commitment(0n, 'bb')))).toMatchObject({ kind: 'rejected', code: 'EQUIVOCATION' });
    expect(store.equivocations).toEqual([
      expect.objectContaining({
        batchNumber: 0n,
        firstRoot: hex(`0x${'aa'.repeat(32)}`),
        secondRoot: hex(`0x${'bb'.repeat(32)}`),
      }),
    ]);
    expect(store.chains.get(901n)!.status).toBe('flagged');
    expect(await ingest(await signed(commitment(1n)))).toMatchObject({ kind: 'rejected', code: 'CHAIN_FLAGGED' });
    expect(deadLetters.map((d) => d.code)).toEqual(['EQUIVOCATION', 'CHAIN_FLAGGED']);
    expect(store.checkpoints.get('hub/t/0')).toBe(2n);
  });

  it.each([
    ['CHAIN_UNKNOWN', undefined],
    ['CHAIN_PAUSED', 'paused'],
    ['CHAIN_NOT_ACTIVE', 'pending'],
  ] as const)('rejects %s', async (code, status) => {
    if (status === undefined) store.chains.delete(901n);
    else store.chains.get(901n)!.status = status;
    expect(await ingest(await signed(commitment(0n)))).toMatchObject({ kind: 'rejected', code });
    expect(store.batches.size).toBe(0);
    expect(deadLetters).toEqual([expect.objectContaining({ code })]);
  });

  it("rejects a signature that is not the operator's, and a malformed one", async () => {
    expect(await ingest(await signed(commitment(0n), OTHER))).toMatchObject({
      kind: 'rejected',
      code: 'SIGNATURE_INVALID',
    });
    const broken = { ...(await signed(commitment(0n))), signature: hex(`0x${'00'.repeat(65)}`) };
    expect(await ingest(broken)).toMatchObject({ kind: 'rejected', code: 'SIGNATURE_INVALID' });
    expect(store.batches.size).toBe(0);
  });

  it('counts accepted and rejected records by reason', async () => {
    await ingest(await signed(commitment(0n)));
    await ingest(await signed(commitment(1n), OTHER));
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/hub_batch_roots_ingested_total 1/);
    expect(text).toMatch(/hub_batch_roots_rejected_total\{reason="SIGNATURE_INVALID"\} 1/);
  });
});
