import { Logger } from '@nestjs/common';
import {
  AggregationState,
  fieldToBytes32,
  TEST_CHAIN_DEPTH,
  TEST_GROUP_SIZE,
  TEST_K,
  TEST_SHARED_DEPTH,
} from '@interop/protocol';
import type { Hash, Hex, TransactionReceipt } from 'viem';

import { HubMetrics } from '../metrics/hubMetrics';
import { EpochService, selectUpdates, type L1Settlement } from './epoch.service';
import type { EpochsStore } from './epochs.repository';
import type { EpochRecord, EpochUpdate, WaitingBatch } from './epochTypes';
import type { ProofProvider } from './proofProvider';

/** A 0x string as viem's Hex (template literals type as plain string). */
function hex(s: string): Hex {
  return s as Hex;
}

const circuit = {
  instance: 'test' as const,
  k: TEST_K,
  groupSize: TEST_GROUP_SIZE,
  chainDepth: TEST_CHAIN_DEPTH,
  sharedDepth: TEST_SHARED_DEPTH,
};
const TX = hex(`0x${'ab'.repeat(32)}`);
const ZERO = hex(`0x${'00'.repeat(32)}`);
// Shaped like a snarkjs proof; these branches never verify it (it was verified before it was stored).
const PROOF = {
  pi_a: ['1', '2', '1'],
  pi_b: [
    ['3', '4'],
    ['5', '6'],
    ['1', '0'],
  ],
  pi_c: ['7', '8', '1'],
  protocol: 'groth16',
  curve: 'bn128',
};

function update(chainId: bigint, slot: number, batchNumber: bigint): EpochUpdate {
  return {
    slot,
    chainId,
    batchNumber,
    batchRoot: hex(`0x${(chainId * 100n + batchNumber).toString(16).padStart(64, '0')}`),
    messageCount: 1,
    firstBlock: 1n,
    lastBlock: 2n,
    signature: hex(`0x${'11'.repeat(65)}`),
  };
}

function epochOf(updates: EpochUpdate[], status: EpochRecord['status'], l1TxHash: Hash | null): EpochRecord {
  const step = new AggregationState({ chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH }).apply(
    updates,
    TEST_K,
  );
  return {
    number: 1n,
    prevRoot: fieldToBytes32(step.oldRoot),
    root: fieldToBytes32(step.newRoot),
    commitment: fieldToBytes32(step.commitment),
    updates,
    status,
    proof: PROOF,
    publicSignals: [step.oldRoot, step.newRoot, step.commitment].map(String),
    circuitInput: null,
    l1TxHash,
    l1Block: null,
    gasUsed: null,
    provingMs: 400,
    createdAt: new Date(),
    settledAt: null,
    publishedAt: null,
  };
}

class FakeStore implements Partial<EpochsStore> {
  constructor(public epoch: EpochRecord) {}
  errors: string[] = [];
  settledEpochs = () => Promise.resolve(this.epoch.status === 'settled' ? [this.epoch] : []);
  unfinishedEpoch = () => Promise.resolve(['settled', 'failed'].includes(this.epoch.status) ? undefined : this.epoch);
  unpublishedEpochs = () =>
    Promise.resolve(this.epoch.status === 'settled' && !this.epoch.publishedAt ? [this.epoch] : []);
  findEpoch = () => Promise.resolve({ ...this.epoch });
  markSubmitted = (_n: bigint, txHash: Hex) => {
    Object.assign(this.epoch, { status: 'submitted', l1TxHash: txHash });
    return Promise.resolve();
  };
  markSettled = (_n: bigint, s: { txHash: Hex; l1Block: bigint; gasUsed: bigint | null }) => {
    Object.assign(this.epoch, { status: 'settled', l1TxHash: s.txHash, l1Block: s.l1Block, gasUsed: s.gasUsed });
    return Promise.resolve();
  };
  markPublished = () => {
    this.epoch.publishedAt = new Date();
    return Promise.resolve();
  };
  recordError = (_n: bigint, m: string) => {
    this.errors.push(m);
    return Promise.resolve();
  };
}

class FakeL1 implements L1Settlement {
  l1Epoch = 0n;
  root: Hex = ZERO;
  receipts = new Map<Hash, TransactionReceipt>();
  sends = 0;
  epoch = () => Promise.resolve(this.l1Epoch);
  rootAt = () => Promise.resolve(this.root);
  sendSubmitRoot = () => {
    this.sends++;
    return Promise.resolve(TX);
  };
  waitForReceipt = (hash: Hash) => Promise.resolve(receipt(hash));
  findReceipt = (hash: Hash) => Promise.resolve(this.receipts.get(hash));
  findRootSubmitted = () => Promise.resolve(this.root === ZERO ? undefined : { txHash: TX, blockNumber: 7n });
}

function receipt(hash: Hash): TransactionReceipt {
  return { status: 'success', transactionHash: hash, blockNumber: 7n, gasUsed: 300_000n } as TransactionReceipt;
}

async function runUntil(store: FakeStore, l1: FakeL1, done: () => boolean): Promise<{ published: bigint[] }> {
  const published: bigint[] = [];
  const prover: ProofProvider = {
    prove: () => Promise.reject(new Error('must not prove')),
    close: () => Promise.resolve(),
  };
  const service = new EpochService(
    store as unknown as EpochsStore,
    l1,
    prover,
    { publish: (e) => Promise.resolve(void published.push(e.number)) },
    { tryAcquire: () => Promise.resolve(true), release: () => Promise.resolve(), held: true },
    new HubMetrics(),
    { enabled: true, intervalMs: 50, circuit, pollMs: 10, retryMs: 10 },
  );
  service.start();
  const deadline = Date.now() + 5_000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await service.stop();
  return { published };
}

// The services log each recovery step; the assertions cover them.
Logger.overrideLogger(false);

describe('EpochService crash-resume branches (fake store, L1 and publisher)', () => {
  const updates = [update(901n, 0, 0n), update(902n, 1, 0n)];

  it('submitted with a successful receipt: settles from it and publishes, without sending again', async () => {
    const store = new FakeStore(epochOf(updates, 'submitted', TX));
    const l1 = new FakeL1();
    l1.receipts.set(TX, receipt(TX));
    const { published } = await runUntil(store, l1, () => store.epoch.publishedAt !== null);
    expect(store.epoch).toMatchObject({ status: 'settled', l1TxHash: TX, l1Block: 7n, gasUsed: 300_000n });
    expect(published).toEqual([1n]);
    expect(l1.sends).toBe(0);
  });

  it('submitted without a receipt but with the root on L1: settles from the RootSubmitted event', async () => {
    const store = new FakeStore(epochOf(updates, 'submitted', hex(`0x${'cd'.repeat(32)}`)));
    const l1 = new FakeL1();
    l1.root = store.epoch.root;
    l1.l1Epoch = 1n;
    l1.receipts.set(TX, receipt(TX));
    await runUntil(store, l1, () => store.epoch.status === 'settled');
    expect(store.epoch.l1TxHash).toBe(TX);
    expect(l1.sends).toBe(0);
  });

  it('submitted but L1 never saw it: submits again, once', async () => {
    const store = new FakeStore(epochOf(updates, 'submitted', hex(`0x${'cd'.repeat(32)}`)));
    const l1 = new FakeL1();
    await runUntil(store, l1, () => store.epoch.status === 'settled');
    expect(l1.sends).toBe(1);
    expect(store.epoch.l1TxHash).toBe(TX);
  });

  it('proved while L1 already holds the root: settles without sending', async () => {
    const store = new FakeStore(epochOf(updates, 'proved', null));
    const l1 = new FakeL1();
    l1.root = store.epoch.root;
    l1.l1Epoch = 1n;
    l1.receipts.set(TX, receipt(TX));
    await runUntil(store, l1, () => store.epoch.status === 'settled');
    expect(l1.sends).toBe(0);
  });

  it('proved while L1 has another root for the epoch: records the conflict and never submits', async () => {
    const store = new FakeStore(epochOf(updates, 'proved', null));
    const l1 = new FakeL1();
    l1.root = hex(`0x${'99'.repeat(32)}`);
    l1.l1Epoch = 1n;
    await runUntil(store, l1, () => store.errors.length >= 2);
    expect(store.epoch.status).toBe('proved');
    expect(store.errors[0]).toMatch(/another root for epoch 1/);
    expect(l1.sends).toBe(0);
  });

  it('settled but not published: publishes', async () => {
    const store = new FakeStore({ ...epochOf(updates, 'settled', TX), l1Block: 7n });
    const { published } = await runUntil(store, new FakeL1(), () => store.epoch.publishedAt !== null);
    expect(published).toEqual([1n]);
  });
});

describe('selectUpdates', () => {
  const waiting = (chainId: bigint, slot: number, batchNumber: bigint, id: bigint): WaitingBatch => ({
    ...update(chainId, slot, batchNumber),
    id,
  });

  it('keeps arrival order across chains and batch-number order within a chain, up to k', () => {
    const state = new AggregationState({ chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH });
    // Chain 901's batch 1 arrived (held) before its batch 0.
    const batches = [waiting(901n, 0, 1n, 1n), waiting(902n, 1, 0n, 2n), waiting(901n, 0, 0n, 3n)];
    expect(selectUpdates(batches, state, 2).map((u) => [u.chainId, u.batchNumber])).toEqual([
      [901n, 0n],
      [902n, 0n],
    ]);
    expect(selectUpdates(batches, state, 3).map((u) => [u.chainId, u.batchNumber])).toEqual([
      [901n, 0n],
      [902n, 0n],
      [901n, 1n],
    ]);
  });

  it('fills groups of one chain inside aligned blocks (epoch shape)', () => {
    const state = new AggregationState({ chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH });
    state.apply([update(901n, 0, 0n)], 1);
    const batches = [1n, 2n, 3n].map((n) => waiting(901n, 0, n, n)).concat([waiting(902n, 1, 0n, 9n)]);
    // 901 is at 1: its first group is [1] (block [0, 2)); 902 gets the second group; 901's 2, 3 wait.
    expect(selectUpdates(batches, state, { k: 4, groupSize: 2 }).map((u) => [u.chainId, u.batchNumber])).toEqual([
      [901n, 1n],
      [902n, 0n],
    ]);
  });

  it("skips a chain whose next batch is not the state's next number", () => {
    const state = new AggregationState({ chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH });
    expect(selectUpdates([waiting(901n, 0, 1n, 1n), waiting(902n, 1, 0n, 2n)], state, 2).map((u) => u.chainId)).toEqual(
      [902n],
    );
  });

  it('never plans a batch past a full chain tree; the other chains go on', () => {
    const state = new AggregationState({ chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH });
    const capacity = 2n ** BigInt(TEST_CHAIN_DEPTH);
    for (let n = 0n; n < capacity; n++) state.apply([update(901n, 0, n)], 1);
    const batches = [waiting(901n, 0, capacity, 1n), waiting(902n, 1, 0n, 2n)];
    expect(selectUpdates(batches, state, { k: 4, groupSize: 2 }).map((u) => [u.chainId, u.batchNumber])).toEqual([
      [902n, 0n],
    ]);
  });
});
