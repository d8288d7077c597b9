import { interopHubDomain, signBatchRoot, type BatchRootCommitment, type BatchRootRecord } from '@interop/protocol';
import fc from 'fast-check';
import type { Address, Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { HubMetrics } from '../metrics/hubMetrics';
import type { IngestionStore, IngestionTx, PartitionSource } from './batches.repository';
import { IngestionService, type IncomingRecord, type RecordSource, type RejectionCode } from './ingestion.service';
import { batchKey, type BatchSnapshot, type BatchWrite, type Equivocation, type StoredBatch } from './planIngestion';

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
  equivocations: Equivocation[] = [];

  inPartition<T>(source: PartitionSource, work: (tx: IngestionTx) => Promise<T>): Promise<T> {
    const cp = `${source.consumer}/${source.topic}/${source.partition}`;
    const tx: IngestionTx = {
      checkpoint: () => Promise.resolve(this.checkpoints.get(cp)),
      snapshot: (keys) => {
        const ids = new Set(keys.map((k) => k.chainId));
        const snapshot: BatchSnapshot = {
          chains: new Map([...this.chains].filter(([id]) => ids.has(id)).map(([id, c]) => [id, { ...c }])),
          batches: new Map(
            [...this.batches]
              .filter(
                ([k, b]) =>
                  keys.some((x) => batchKey(x.chainId, x.batchNumber) === k) ||
                  (ids.has(b.chainId) && b.status === 'held'),
              )
              .map(([k, b]) => [k, { ...b }]),
          ),
          nextBatchNumber: new Map(),
        };
        for (const b of this.batches.values()) {
          const next = (snapshot.nextBatchNumber as Map<bigint, bigint>).get(b.chainId) ?? 0n;
          if (ids.has(b.chainId) && b.status !== 'held' && b.batchNumber >= next) {
            (snapshot.nextBatchNumber as Map<bigint, bigint>).set(b.chainId, b.batchNumber + 1n);
          }
        }
        return Promise.resolve(snapshot);
      },
      write: (_source, w: BatchWrite) => {
        for (const b of w.inserts) this.batches.set(batchKey(b.chainId, b.batchNumber), { ...b });
        for (const p of w.promote) this.batches.get(batchKey(p.chainId, p.batchNumber))!.status = 'received';
        this.equivocations.push(...w.equivocations);
        for (const id of w.flagChains) this.chains.get(id)!.status = 'flagged';
        this.checkpoints.set(cp, w.checkpoint);
        return Promise.resolve();
      },
    };
    return work(tx);
  }
}

function commitment(batchNumber: bigint, rootByte = 'aa', chainId = 901n): BatchRootCommitment {
  return {
    chainId,
    batchNumber,
    batchRoot: hex(`0x${rootByte.repeat(32)}`),
    // A field element (canonical) standing in for the chain root after this batch.
    chainRoot: hex(`0x${(batchNumber + 1n).toString(16).padStart(64, '0')}`),
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

  it('ignores an identical duplicate and rejects another chain root or other metadata for a known root', async () => {
    await ingest(await signed(commitment(0n)));
    expect(await ingest(await signed(commitment(0n)))).toEqual({ kind: 'duplicate' });
    const other = { ...commitment(0n), messageCount: 3 };
    expect(await ingest(await signed(other))).toMatchObject({ kind: 'rejected', code: 'BATCH_CONFLICT' });
    // The same root signed with another chain root after it is a conflict too (the first one stays).
    const otherChainRoot = { ...commitment(0n), chainRoot: hex(`0x${'0f'.repeat(32)}`) };
    expect(await ingest(await signed(otherChainRoot))).toMatchObject({ kind: 'rejected', code: 'BATCH_CONFLICT' });
    expect(store.batches.get('901/0')!.chainRoot).toBe(commitment(0n).chainRoot);
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

describe('IngestionService.ingestBatch: a batch gives the state and outcomes of one-by-one ingestion', () => {
  const OPERATOR_B = privateKeyToAccount(OTHER).address.toLowerCase();
  const chainIds = [901n, 902n, 903n]; // 903 is not registered
  type Op = { chain: number; n: number; root: number; meta: number; wrongKey: boolean; malformed: boolean };
  const signedPool = new Map<string, BatchRootRecord>();
  const poolKey = (o: Op): string => `${o.chain}/${o.n}/${o.root}/${o.meta}/${o.wrongKey}`;

  beforeAll(async () => {
    for (let chain = 0; chain < 3; chain++) {
      for (let n = 0; n < 5; n++) {
        for (const root of [0, 1]) {
          for (const meta of [0, 1]) {
            for (const wrongKey of [false, true]) {
              const c = {
                ...commitment(BigInt(n), root === 0 ? 'aa' : 'bb', chainIds[chain]),
                messageCount: 2 + meta,
              };
              const key = (chain === 1) !== wrongKey ? OTHER : KEY;
              signedPool.set(poolKey({ chain, n, root, meta, wrongKey, malformed: false }), await signed(c, key));
            }
          }
        }
      }
    }
  });

  const op = fc.record({
    chain: fc.nat(2),
    n: fc.nat(4),
    root: fc.oneof({ arbitrary: fc.constant(0), weight: 5 }, { arbitrary: fc.constant(1), weight: 1 }),
    meta: fc.oneof({ arbitrary: fc.constant(0), weight: 8 }, { arbitrary: fc.constant(1), weight: 1 }),
    wrongKey: fc.oneof({ arbitrary: fc.constant(false), weight: 8 }, { arbitrary: fc.constant(true), weight: 1 }),
    malformed: fc.oneof({ arbitrary: fc.constant(false), weight: 10 }, { arbitrary: fc.constant(true), weight: 1 }),
  });

  const fresh = (paused: boolean): FakeStore => {
    const store = new FakeStore();
    store.chains.set(901n, { status: 'active', operator: OPERATOR });
    store.chains.set(902n, { status: paused ? 'paused' : 'active', operator: OPERATOR_B });
    return store;
  };

  it('for random mixes of valid, gap, duplicate, conflicting, equivocating, unsigned, unknown and malformed records', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 40 }),
        fc.nat(39),
        fc.boolean(),
        async (ops, cut, paused) => {
          const records: IncomingRecord[] = ops.map((o, i) =>
            o.malformed
              ? { offset: BigInt(i), invalid: { code: 'SCHEMA_VIOLATION', reason: 'chainId: required' } }
              : { offset: BigInt(i), record: signedPool.get(poolKey(o))! },
          );
          const partition = { consumer: 'hub', topic: 't', partition: 0 };
          const run = async (chunks: IncomingRecord[][]) => {
            const store = fresh(paused);
            const service = new IngestionService(store, new HubMetrics(), { L1_CHAIN_ID: 900n, L1_HUB_ADDRESS: HUB });
            const letters: Array<[bigint, string]> = [];
            const outcomes = [];
            for (const chunk of chunks) {
              outcomes.push(
                ...(await service.ingestBatch(partition, chunk, (rejections) => {
                  letters.push(...rejections.map((r): [bigint, string] => [r.offset, r.code]));
                  return Promise.resolve();
                })),
              );
            }
            return { store, letters, outcomes };
          };
          const one = await run(records.map((r) => [r]));
          // Two batches (split at a random point) ...
          const split = Math.min(cut, records.length);
          const two = await run([records.slice(0, split), records.slice(split)].filter((c) => c.length > 0));
          // ... and the whole sequence redelivered after it was written changes nothing.
          const again = await run([records, records]);
          for (const other of [two, again]) {
            expect([...other.store.batches].sort()).toEqual([...one.store.batches].sort());
            expect(other.store.chains).toEqual(one.store.chains);
            expect(other.store.equivocations).toEqual(one.store.equivocations);
            expect(other.store.checkpoints).toEqual(one.store.checkpoints);
            expect(other.letters).toEqual(one.letters);
          }
          expect(two.outcomes).toEqual(one.outcomes);
          expect(again.outcomes.slice(0, records.length)).toEqual(one.outcomes);
          expect(again.outcomes.slice(records.length).every((o) => o.kind === 'skipped')).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
