import { Logger } from '@nestjs/common';
import {
  AggregationState,
  CHAIN_DEPTH,
  fieldToBytes32,
  PRODUCTION_SHAPES,
  SHARED_DEPTH,
  shapeId,
} from '@interop/protocol';
import { buildCircuitInput, type CircuitInput } from '@interop/prover';
import {
  ContractFunctionRevertedError,
  encodeErrorResult,
  parseAbi,
  type Hash,
  type Hex,
  type TransactionReceipt,
} from 'viem';

import { HubMetrics } from '../metrics/hubMetrics';
import { EpochService, planEpoch, type L1Settlement, type ProofVerifier } from './epoch.service';
import type { EpochsStore } from './epochs.repository';
import { toProtocolUpdate, type EpochRecord, type EpochUpdate, type WaitingBatch } from './epochTypes';
import type { EpochProof, ProofProvider } from './proofProvider';
import type { EpochShapes, HubShape } from './shapeRegistry';

/** A 0x string as viem's Hex (template literals type as plain string). */
function hex(s: string): Hex {
  return s as Hex;
}

const depths = { chainDepth: CHAIN_DEPTH, sharedDepth: SHARED_DEPTH };
const S4: HubShape = { name: 's4', shapeId: shapeId(PRODUCTION_SHAPES.s4), groups: 2, ...PRODUCTION_SHAPES.s4 };
const L32: HubShape = { name: 'l32', shapeId: shapeId(PRODUCTION_SHAPES.l32), groups: 2, ...PRODUCTION_SHAPES.l32 };
const TX = hex(`0x${'ab'.repeat(32)}`);
const ZERO = hex(`0x${'00'.repeat(32)}`);
const SIG = hex(`0x${'11'.repeat(65)}`);
// Shaped like a snarkjs proof; the fake verifier accepts it.
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

/** Waiting batches of one chain, with the chain roots its operator signs (its own tree replayed). */
function chainBatches(chainId: bigint, slot: number, count: number, from = 0): WaitingBatch[] {
  const tree = new AggregationState(depths);
  const out: WaitingBatch[] = [];
  for (let n = 0; n < from + count; n++) {
    const batchRoot = hex(`0x${(chainId * 1000n + BigInt(n)).toString(16).padStart(64, '0')}`);
    tree.apply([{ slot, chainId, batchNumber: BigInt(n), batchRoot }], 1);
    if (n < from) continue;
    out.push({
      id: chainId * 1000n + BigInt(n),
      slot,
      chainId,
      batchNumber: BigInt(n),
      batchRoot,
      chainRoot: fieldToBytes32(tree.chainRoot(chainId)),
      messageCount: 1,
      firstBlock: 1n,
      lastBlock: 2n,
      signature: SIG,
    });
  }
  return out;
}

/** An in-memory EpochsStore over a list of waiting batches (the Prisma one is covered by the int tests). */
class MemoryStore implements EpochsStore {
  epochs: EpochRecord[] = [];
  reserved = new Map<bigint, bigint>(); // batch id -> epoch
  errors: string[] = [];
  flagged: bigint[] = [];
  constructor(public waiting: WaitingBatch[]) {}
  private find(n: bigint): EpochRecord {
    const e = this.epochs.find((x) => x.number === n);
    if (!e) throw new Error(`no epoch ${n}`);
    return e;
  }
  settledEpochs = () => Promise.resolve(this.epochs.filter((e) => e.status === 'settled'));
  unfinishedEpochs = () =>
    Promise.resolve(this.epochs.filter((e) => ['created', 'proving', 'proved', 'submitted'].includes(e.status)));
  unpublishedEpochs = () => Promise.resolve(this.epochs.filter((e) => e.status === 'settled' && !e.publishedAt));
  lastEpochNumber = () => Promise.resolve(this.epochs.reduce((m, e) => (e.number > m ? e.number : m), 0n));
  waitingBatches = (limit: number) =>
    Promise.resolve(
      this.waiting.filter((b) => !this.reserved.has(b.id) && !this.flagged.includes(b.chainId)).slice(0, limit),
    );
  createEpoch = (e: Parameters<EpochsStore['createEpoch']>[0]) => {
    for (const u of e.updates) {
      const b = this.waiting.find((x) => x.chainId === u.chainId && x.batchNumber === u.batchNumber)!;
      this.reserved.set(b.id, e.number);
    }
    this.epochs.push({
      ...e,
      status: 'created',
      proof: null,
      publicSignals: null,
      l1TxHash: null,
      l1Block: null,
      gasUsed: null,
      provingMs: null,
      lastError: null,
      createdAt: new Date(),
      settledAt: null,
      publishedAt: null,
    });
    return Promise.resolve();
  };
  markProved = (n: bigint, proof: unknown, publicSignals: string[], provingMs: number) => {
    Object.assign(this.find(n), { status: 'proved', proof, publicSignals, provingMs });
    return Promise.resolve();
  };
  markSubmitted = (n: bigint, txHash: Hex) => {
    Object.assign(this.find(n), { status: 'submitted', l1TxHash: txHash });
    return Promise.resolve();
  };
  markSettled = (n: bigint, s: { txHash: Hex; l1Block: bigint; gasUsed: bigint | null }) => {
    Object.assign(this.find(n), { status: 'settled', l1TxHash: s.txHash, l1Block: s.l1Block, gasUsed: s.gasUsed });
    return Promise.resolve();
  };
  markPublished = (n: bigint) => {
    this.find(n).publishedAt = new Date();
    return Promise.resolve();
  };
  recordError = (_n: bigint, m: string) => {
    this.errors.push(m);
    return Promise.resolve();
  };
  abandonFrom = (from: bigint) => {
    const dropped = this.epochs.filter((e) => e.number >= from && e.status !== 'settled');
    this.epochs = this.epochs.filter((e) => !dropped.includes(e));
    for (const [id, n] of [...this.reserved]) if (n >= from) this.reserved.delete(id);
    return Promise.resolve(dropped);
  };
  flagChain = (chainId: bigint) => {
    this.flagged.push(chainId);
    return Promise.resolve();
  };
  findEpoch = (n: bigint) => Promise.resolve(this.epochs.find((e) => e.number === n));
  latestSettled = () => Promise.resolve(this.epochs.filter((e) => e.status === 'settled').at(-1));
}

class FakeL1 implements L1Settlement {
  l1Epoch = 0n;
  roots = new Map<bigint, Hex>();
  receipts = new Map<Hash, TransactionReceipt>();
  sent: unknown[][] = [];
  /** When set, the next submissions revert with this custom error. */
  revertWith: string | undefined;
  epoch = () => Promise.resolve(this.l1Epoch);
  rootAt = (e: bigint) => Promise.resolve(this.roots.get(e) ?? ZERO);
  sendSubmitRoot = (args: Parameters<L1Settlement['sendSubmitRoot']>[0]) => {
    if (this.revertWith) throw reverted(this.revertWith);
    const epoch = args[0];
    this.sent.push([...args]);
    const hash = hex(`0x${epoch.toString(16).padStart(64, '0')}`);
    this.l1Epoch = epoch;
    this.roots.set(epoch, args[3]);
    this.receipts.set(hash, receipt(hash));
    return Promise.resolve(hash);
  };
  waitForReceipt = (hash: Hash) => Promise.resolve(receipt(hash));
  findReceipt = (hash: Hash) => Promise.resolve(this.receipts.get(hash));
  findRootSubmitted = () => Promise.resolve({ txHash: TX, blockNumber: 7n });
}

/** A viem revert of InteropHub with the custom error `name` (as `writeContract` throws it). */
function reverted(name: string): ContractFunctionRevertedError {
  const abi = parseAbi([`error ${name}(uint256 x)`]);
  const data = encodeErrorResult({ abi, errorName: name, args: [1n] });
  return new ContractFunctionRevertedError({ abi, data, functionName: 'submitRoot' });
}

function receipt(hash: Hash): TransactionReceipt {
  return { status: 'success', transactionHash: hash, blockNumber: 7n, gasUsed: 300_000n } as TransactionReceipt;
}

/** A prover whose proofs resolve when the test says so (or at once with `auto`). */
class ControlledProver implements ProofProvider {
  readonly started: { epoch: bigint; shape: string; input: CircuitInput; resolve: () => void }[] = [];
  constructor(
    readonly capacity: number,
    private readonly auto = false,
  ) {}
  prove(epoch: bigint, shape: string, input: CircuitInput): Promise<EpochProof> {
    return new Promise((resolve) => {
      const done = () =>
        resolve({
          proof: PROOF,
          publicSignals: [input.dataCommitment, input.challenge, input.evaluation],
          ms: 5,
        });
      this.started.push({ epoch, shape, input, resolve: done });
      if (this.auto) done();
    });
  }
  close = () => Promise.resolve();
}

class FixedShapes implements EpochShapes {
  invalidated = 0;
  constructor(public active: HubShape[]) {}
  usable = () => Promise.resolve(this.active);
  byId = (id: number) => [S4, L32].find((s) => s.shapeId === id);
  invalidate = () => void this.invalidated++;
}

const acceptAll: ProofVerifier = { verify: () => Promise.resolve(true) };

function service(
  store: EpochsStore,
  l1: L1Settlement,
  prover: ProofProvider,
  shapes: EpochShapes,
  over: { pipelineDepth?: number; minIntervalMs?: number } = {},
): { svc: EpochService; published: bigint[] } {
  const published: bigint[] = [];
  const svc = new EpochService(
    store,
    l1,
    prover,
    { publish: (e) => Promise.resolve(void published.push(e.number)) },
    { tryAcquire: () => Promise.resolve(true), release: () => Promise.resolve(), held: true },
    new HubMetrics(),
    shapes,
    acceptAll,
    {
      enabled: true,
      minIntervalMs: over.minIntervalMs ?? 0,
      pipelineDepth: over.pipelineDepth ?? 2,
      ...depths,
      pollMs: 5,
      retryMs: 20,
    },
  );
  return { svc, published };
}

/** Polls `done` until true or fails after a deadline (no fixed sleeps). */
async function until(done: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

// The services log each step; the assertions cover them.
Logger.overrideLogger(false);

/** A stored epoch of `updates` on top of genesis, in `status`. */
function epochOf(updates: WaitingBatch[], status: EpochRecord['status'], l1TxHash: Hash | null): EpochRecord {
  const step = new AggregationState(depths).apply(
    updates.map((u) => toProtocolUpdate(u)),
    PRODUCTION_SHAPES.s4,
  );
  return {
    number: 1n,
    prevRoot: fieldToBytes32(step.oldRoot),
    root: fieldToBytes32(step.newRoot),
    shapeId: S4.shapeId,
    dataCommitment: fieldToBytes32(step.publicSignals.dataCommitment),
    updates: updates.map(({ id: _id, ...u }): EpochUpdate => u),
    status,
    proof: PROOF,
    publicSignals: null,
    circuitInput: buildCircuitInput(step.witnesses, step.oldRoot, step.publicSignals),
    l1TxHash,
    l1Block: null,
    gasUsed: null,
    provingMs: 400,
    lastError: null,
    createdAt: new Date(),
    settledAt: null,
    publishedAt: null,
  };
}

describe('EpochService crash-resume branches', () => {
  const batches = [...chainBatches(901n, 0, 1), ...chainBatches(902n, 1, 1)];
  const seeded = (status: EpochRecord['status'], tx: Hash | null) => {
    const store = new MemoryStore(batches);
    store.epochs.push(epochOf(batches, status, tx));
    for (const b of batches) store.reserved.set(b.id, 1n);
    return store;
  };
  const run = async (store: MemoryStore, l1: FakeL1, done: () => boolean) => {
    const { svc, published } = service(store, l1, new ControlledProver(1, true), new FixedShapes([S4, L32]));
    svc.start();
    await until(done, 'the epoch to settle');
    await svc.stop();
    return published;
  };

  it('submitted with a successful receipt: settles from it and publishes, without sending again', async () => {
    const store = seeded('submitted', TX);
    const l1 = new FakeL1();
    l1.receipts.set(TX, receipt(TX));
    const published = await run(store, l1, () => store.epochs[0]!.publishedAt !== null);
    expect(store.epochs[0]).toMatchObject({ status: 'settled', l1TxHash: TX, l1Block: 7n, gasUsed: 300_000n });
    expect(published).toEqual([1n]);
    expect(l1.sent).toHaveLength(0);
  });

  it('submitted without a receipt but with the root on L1: settles from the RootSubmitted event', async () => {
    const store = seeded('submitted', hex(`0x${'cd'.repeat(32)}`));
    const l1 = new FakeL1();
    l1.roots.set(1n, store.epochs[0]!.root);
    l1.l1Epoch = 1n;
    l1.receipts.set(TX, receipt(TX));
    await run(store, l1, () => store.epochs[0]!.status === 'settled');
    expect(store.epochs[0]!.l1TxHash).toBe(TX);
    expect(l1.sent).toHaveLength(0);
  });

  it('submitted but L1 never saw it: submits again, once, with the signed last batch of each chain', async () => {
    const store = seeded('submitted', hex(`0x${'cd'.repeat(32)}`));
    const l1 = new FakeL1();
    await run(store, l1, () => store.epochs[0]!.status === 'settled');
    expect(l1.sent).toHaveLength(1);
    const [epoch, sid, prevRoot, newRoot, , groups] = l1.sent[0]! as [
      bigint,
      number,
      Hex,
      Hex,
      bigint,
      { chainId: bigint; signature: Hex }[],
    ];
    expect([epoch, sid, prevRoot, newRoot]).toEqual([1n, S4.shapeId, store.epochs[0]!.prevRoot, store.epochs[0]!.root]);
    expect(groups.map((g) => [g.chainId, g.signature])).toEqual([
      [901n, SIG],
      [902n, SIG],
    ]);
  });

  it('proved while L1 has another root for the epoch: records the conflict and never submits', async () => {
    const store = seeded('proved', null);
    const l1 = new FakeL1();
    l1.roots.set(1n, hex(`0x${'99'.repeat(32)}`));
    l1.l1Epoch = 1n;
    await run(store, l1, () => store.errors.length >= 2);
    expect(store.epochs[0]!.status).toBe('proved');
    expect(store.errors[0]).toMatch(/another root for epoch 1/);
    expect(l1.sent).toHaveLength(0);
  });

  it('created (a crash before the proof): proves, settles and publishes', async () => {
    const store = seeded('created', null);
    const l1 = new FakeL1();
    const published = await run(store, l1, () => store.epochs[0]!.publishedAt !== null);
    expect(published).toEqual([1n]);
    expect(store.epochs[0]!.publicSignals).toEqual([
      (store.epochs[0]!.circuitInput as CircuitInput).dataCommitment,
      (store.epochs[0]!.circuitInput as CircuitInput).challenge,
      (store.epochs[0]!.circuitInput as CircuitInput).evaluation,
    ]);
  });
});

describe('EpochService pipeline', () => {
  it('proves epoch n + 1 (built on n) while n is still proving, and L1 receives them in order', async () => {
    const store = new MemoryStore([...chainBatches(901n, 0, 2), ...chainBatches(902n, 1, 2)]);
    const l1 = new FakeL1();
    const prover = new ControlledProver(2);
    const { svc, published } = service(store, l1, prover, new FixedShapes([S4, L32]));
    svc.start();
    await until(() => prover.started.length === 1, 'epoch 1 to start proving');
    // More batches arrive while epoch 1 proves: epoch 2 is planned on top of epoch 1 and proved alongside it.
    store.waiting.push(...chainBatches(901n, 0, 1, 2));
    await until(() => prover.started.length === 2, 'epoch 2 to start proving');
    expect(store.epochs.map((e) => e.status)).toEqual(['created', 'created']);
    expect(store.epochs[1]!.prevRoot).toBe(store.epochs[0]!.root);
    // Epoch 2's proof finishes first: nothing is submitted until epoch 1 is proved.
    prover.started[1]!.resolve();
    await until(() => store.epochs[1]!.status === 'proved', 'epoch 2 proved');
    expect(l1.sent).toHaveLength(0);
    prover.started[0]!.resolve();
    await until(() => published.length === 2, 'both epochs published');
    await svc.stop();
    expect(l1.sent.map((a) => a[0])).toEqual([1n, 2n]);
    expect(published).toEqual([1n, 2n]);
  });

  it('with room for one proof, plans the next epoch only once the prover is free (it then holds what arrived)', async () => {
    const store = new MemoryStore(chainBatches(901n, 0, 1));
    const l1 = new FakeL1();
    const prover = new ControlledProver(1);
    const { svc, published } = service(store, l1, prover, new FixedShapes([S4, L32]));
    svc.start();
    await until(() => prover.started.length === 1, 'epoch 1 proving');
    store.waiting.push(...chainBatches(901n, 0, 3, 1));
    await new Promise((r) => setImmediate(r));
    expect(store.epochs).toHaveLength(1);
    prover.started[0]!.resolve();
    await until(() => prover.started.length === 2, 'epoch 2 proving');
    prover.started[1]!.resolve();
    await until(() => published.length === 2, 'both published');
    await svc.stop();
    expect(store.epochs[1]!.updates.map((u) => u.batchNumber)).toEqual([1n, 2n, 3n]);
  });

  it('chooses the shape by backlog: s4 for what fits it, l32 when the backlog exceeds s4', async () => {
    const store = new MemoryStore([...chainBatches(901n, 0, 2), ...chainBatches(902n, 1, 1)]);
    const l1 = new FakeL1();
    const prover = new ControlledProver(1, true);
    const { svc, published } = service(store, l1, prover, new FixedShapes([S4, L32]));
    svc.start();
    await until(() => published.length === 1, 'epoch 1');
    store.waiting.push(...chainBatches(901n, 0, 20, 2));
    await until(() => published.length >= 2, 'epoch 2');
    await svc.stop();
    expect(store.epochs[0]!.shapeId).toBe(S4.shapeId);
    expect(store.epochs[1]!.shapeId).toBe(L32.shapeId);
    // Batches 2..21 of one chain: block [0, 16) takes 14, the next block the other 6.
    expect(store.epochs[1]!.updates).toHaveLength(20);
  });

  it('abandons an epoch whose shape L1 retired and re-plans its batches with the shapes left', async () => {
    const store = new MemoryStore(chainBatches(901n, 0, 2));
    const l1 = new FakeL1();
    l1.revertWith = 'ShapeNotActive';
    const shapes = new FixedShapes([S4, L32]);
    const prover = new ControlledProver(1, true);
    const { svc, published } = service(store, l1, prover, shapes);
    svc.start();
    await until(() => shapes.invalidated === 1, 'the shape cache to be dropped');
    shapes.active = [L32];
    l1.revertWith = undefined;
    await until(() => published.length === 1, 'the re-planned epoch');
    await svc.stop();
    expect(store.epochs).toHaveLength(1);
    expect(store.epochs[0]).toMatchObject({ number: 1n, shapeId: L32.shapeId, status: 'settled' });
    expect(l1.sent.map((a) => a[1])).toEqual([L32.shapeId]);
  });

  it('refuses a chain whose signed chain root is not the root of its batches', async () => {
    const good = chainBatches(902n, 1, 1);
    const bad = chainBatches(901n, 0, 2).map((b, i) => (i === 1 ? { ...b, chainRoot: fieldToBytes32(7n) } : b));
    const store = new MemoryStore([...bad, ...good]);
    const l1 = new FakeL1();
    const { svc, published } = service(store, l1, new ControlledProver(1, true), new FixedShapes([S4, L32]));
    svc.start();
    await until(() => published.length === 1, 'an epoch without the bad chain');
    await svc.stop();
    expect(store.flagged).toEqual([901n]);
    expect(store.epochs[0]!.updates.map((u) => u.chainId)).toEqual([902n]);
  });

  it('waits EPOCH_MIN_INTERVAL_MS between epochs unless the backlog exceeds every shape', async () => {
    const store = new MemoryStore(chainBatches(901n, 0, 1));
    const l1 = new FakeL1();
    const { svc, published } = service(store, l1, new ControlledProver(1, true), new FixedShapes([S4]), {
      minIntervalMs: 60_000,
    });
    svc.start();
    await until(() => published.length === 1, 'the first epoch (nothing before it)');
    store.waiting.push(...chainBatches(901n, 0, 1, 1));
    await new Promise((r) => setTimeout(r, 50));
    expect(store.epochs).toHaveLength(1);
    // Three more than s4 holds for one chain: the backlog exceeds every shape, so it does not wait.
    store.waiting.push(...chainBatches(901n, 0, 4, 2));
    await until(() => published.length === 2, 'the backlog epoch');
    await svc.stop();
  });
});

describe('planEpoch', () => {
  it('keeps arrival order across chains and batch-number order within a chain', () => {
    const state = new AggregationState(depths);
    // Chain 901's batch 1 arrived (held) before its batch 0.
    const [a0, a1] = chainBatches(901n, 0, 2) as [WaitingBatch, WaitingBatch];
    const [b0] = chainBatches(902n, 1, 1) as [WaitingBatch];
    const plan = planEpoch([a1, b0, a0], state, [S4, L32])!;
    expect(plan.shape).toBe(S4);
    expect(plan.updates.map((u) => [u.chainId, u.batchNumber])).toEqual([
      [901n, 0n],
      [901n, 1n],
      [902n, 0n],
    ]);
  });

  it("skips a chain whose next batch is not the state's next number", () => {
    const state = new AggregationState(depths);
    const plan = planEpoch([...chainBatches(901n, 0, 1, 1), ...chainBatches(902n, 1, 1)], state, [S4])!;
    expect(plan.updates.map((u) => u.chainId)).toEqual([902n]);
  });

  it('never plans a batch past a full chain tree; the other chains go on (small tree)', () => {
    const state = new AggregationState({ chainDepth: 3, sharedDepth: 2 });
    for (let n = 0n; n < 8n; n++) state.apply([{ slot: 0, chainId: 901n, batchNumber: n, batchRoot: ZERO }], 1);
    const full = { ...chainBatches(901n, 0, 1)[0]!, batchNumber: 8n };
    const plan = planEpoch([full, ...chainBatches(902n, 1, 1)], state, [S4])!;
    expect(plan.updates.map((u) => [u.chainId, u.batchNumber])).toEqual([[902n, 0n]]);
  });
});
