import type { BatchRootRecord } from '@interop/protocol';

import { planIngestion, type BatchSnapshot, type IngestEntry } from './planIngestion';

const OPERATOR = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';

function entry(offset: bigint, batchNumber: bigint): IngestEntry {
  const record: BatchRootRecord = {
    chainId: 901n,
    batchNumber,
    batchRoot: `0x${(batchNumber + 1n).toString(16).padStart(64, '0')}`,
    messageCount: 1,
    firstBlock: batchNumber,
    lastBlock: batchNumber,
    signature: `0x${'11'.repeat(65)}`,
  };
  return { offset, record, signer: OPERATOR };
}

describe('planIngestion: chain tree capacity', () => {
  const snapshot: BatchSnapshot = {
    chains: new Map([[901n, { status: 'active', operator: OPERATOR }]]),
    batches: new Map(),
    nextBatchNumber: new Map([[901n, 7n]]),
  };

  it('refuses a batch number at or past 2^CHAIN_DEPTH as CHAIN_TREE_FULL and keeps the last one that fits', () => {
    const plan = planIngestion([entry(0n, 7n), entry(1n, 8n), entry(2n, 9n)], snapshot, undefined, 8n);
    expect(plan.outcomes.map((o) => o.kind)).toEqual(['accepted', 'rejected', 'rejected']);
    expect(plan.rejections.map((r) => r.code)).toEqual(['CHAIN_TREE_FULL', 'CHAIN_TREE_FULL']);
    expect(plan.rejections[0]!.reason).toMatch(/batch 8 of chain 901 does not fit its chain tree \(8 batches/);
    expect(plan.write.inserts.map((b) => b.batchNumber)).toEqual([7n]);
    expect(plan.write.checkpoint).toBe(2n);
  });

  it('checks nothing when no capacity is given', () => {
    const plan = planIngestion([entry(0n, 7n), entry(1n, 8n)], snapshot, undefined);
    expect(plan.outcomes.map((o) => o.kind)).toEqual(['accepted', 'accepted']);
  });
});
