import {
  batchLeaf,
  batchRootRecordSchema,
  buildBatchTree,
  CHAIN_DEPTH,
  ChainTree,
  fieldToBytes32,
  messageLeaf,
  messageRecordSchema,
  poseidonZeroHashes,
  recoverBatchRootSigner,
  interopHubDomain,
} from '@interop/protocol';
import { Logger } from '@nestjs/common';
import { privateKeyToAccount } from 'viem/accounts';

import { InMemoryChainStore } from '../../test/support/inMemoryChainStore';
import { SimulatedChain } from '../../test/support/simulatedChain';
import {
  ChainTreeFullError,
  ChainTreeMismatchError,
  DeepReorgError,
  InconsistentReadError,
} from '../errors/chainErrors';
import type { OutRecord } from '../domain/ports';
import { ChainMetrics } from '../metrics/chainMetrics';
import { OperatorSigner } from '../repositories/operatorSigner';
import { BatcherService } from './batcher.service';
import { PublisherService } from './publisher.service';
import { WatcherService } from './watcher.service';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const HUB = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const settings = {
  CHAIN_ID: 901n,
  START_BLOCK: 0n,
  MAX_BLOCK_RANGE: 5,
  CONFIRMATIONS: 2,
  BATCH_INTERVAL_MS: 1_000,
  BATCH_MIN_INTERVAL_MS: 0,
  BATCH_MAX_MESSAGES: 3,
  BATCH_DEPTH: 16,
  KAFKA_TOPIC_BATCH_ROOTS: 'roots',
  KAFKA_TOPIC_MESSAGES: 'messages',
};

class RecordingSink {
  records: { topic: string; key: string; value: string }[] = [];
  /** One entry per sendMany call: its topic and how many records it carried. */
  calls: { topic: string; count: number }[] = [];
  failTopic: string | null = null;
  sendMany(topic: string, records: readonly OutRecord[]): Promise<void> {
    this.calls.push({ topic, count: records.length });
    if (topic === this.failTopic) return Promise.reject(new Error(`broker refused ${topic}`));
    for (const { key, value } of records) this.records.push({ topic, key, value });
    return Promise.resolve();
  }
}

function setup(chainDepth = CHAIN_DEPTH, overrides: Partial<typeof settings> = {}) {
  const config = { ...settings, ...overrides };
  const chain = new SimulatedChain(901n);
  const store = new InMemoryChainStore();
  const metrics = new ChainMetrics(901n);
  const watcher = new WatcherService(chain, store, config, metrics);
  const newBatcher = () => new BatcherService(store, new OperatorSigner(KEY, 900n, HUB), config, metrics, chainDepth);
  let batcher = newBatcher();
  const sink = new RecordingSink();
  const publisher = new PublisherService(store, sink, config, metrics);
  /** Watch until caught up with the head, then seal what is due at `now`. */
  const poll = async (now = Date.now()) => {
    let result = await watcher.tick();
    while (result.scannedTo !== result.head) result = await watcher.tick();
    return batcher.sealDue(result.head, result.scannedTo, now);
  };
  /** A new batcher over the same store: what a restarted process has. */
  const restart = () => {
    batcher = newBatcher();
  };
  /** Seals `count` one-message batches (BATCH_MAX_MESSAGES 3: one message per block, each sealed on its own poll). */
  const sealBatches = async (count: number) => {
    const out = [];
    for (let i = 0; i < count; i++) {
      chain.mine([chain.message(i)]);
      chain.mineEmpty(2);
      out.push(...(await poll(later())));
    }
    return out;
  };
  /** The batcher after the last restart. */
  const current = () => batcher;
  return { chain, store, metrics, watcher, sink, publisher, poll, restart, sealBatches, current };
}

/** libs/protocol's ChainTree of the given batch roots: its root after each batch. */
function chainRootsOf(batchRoots: `0x${string}`[], depth = CHAIN_DEPTH): `0x${string}`[] {
  const tree = new ChainTree(depth);
  return batchRoots.map((root, n) => {
    tree.append(batchLeaf(root, BigInt(n)));
    return fieldToBytes32(tree.root);
  });
}

/** A clock that has always moved past the batch interval since the last call. */
let clock = Date.now();
const later = () => (clock += 60_000);

beforeAll(() => {
  Logger.overrideLogger(false);
});

describe('watcher + batcher (simulated chain, in-memory store)', () => {
  it('records messages up to the head but seals only CONFIRMATIONS-deep ones, in (block, log index) order', async () => {
    const { chain, store, poll, metrics } = setup();
    const [a, b, c] = [chain.message(1), chain.message(2), chain.message(3)];
    chain.mine([a, b]);
    chain.mine([c]);
    expect(await poll(later())).toEqual([]); // head 2: block 1 has 1 confirmation, block 2 none
    expect(store.messages.map((m) => m.messageId)).toEqual([a, b, c].map(messageLeaf));
    expect((await metrics.messagesSeen.get()).values[0]!.value).toBe(3);

    chain.mineEmpty(1); // head 3: block 1 is 2 deep
    const [batch] = await poll(later());
    expect(batch).toMatchObject({ batchNumber: 0n, messageCount: 2, firstBlock: 1n, lastBlock: 1n });
    expect(batch!.batchRoot).toBe(buildBatchTree([a, b].map(messageLeaf)).root);
    expect(batch!.chainRoot).toBe(chainRootsOf([batch!.batchRoot])[0]);
    const signer = await recoverBatchRootSigner(interopHubDomain(900n, HUB), batch!, batch!.signature);
    expect(signer).toBe(privateKeyToAccount(KEY).address);
    expect(store.messages.filter((m) => m.batchNumber === 0n).map((m) => m.leafIndex)).toEqual([0, 1]);
    expect(store.sealedCheckpoint).toEqual({ number: 1n, hash: chain.blocksList[1]!.hash });

    chain.mineEmpty(1);
    const [next] = await poll(later());
    expect(next).toMatchObject({ batchNumber: 1n, messageCount: 1, firstBlock: 2n, lastBlock: 2n });
  });

  it('seals as soon as a new confirmed block brought messages, whole blocks, without waiting for the interval', async () => {
    const { chain, store, poll } = setup(CHAIN_DEPTH, { BATCH_MAX_MESSAGES: 100 });
    const now = Date.now(); // just after the batcher started: BATCH_INTERVAL_MS has not passed
    chain.mine([chain.message(1), chain.message(2)]); // block 1
    chain.mine([chain.message(3)]); // block 2
    chain.mineEmpty(1); // head 3: block 1 is confirmed (2 deep), block 2 not yet
    const [first, ...none] = await poll(now);
    expect(none).toEqual([]);
    expect(first).toMatchObject({ batchNumber: 0n, messageCount: 2, firstBlock: 1n, lastBlock: 1n });
    chain.mineEmpty(1); // head 4: block 2 confirmed
    const [second] = await poll(now);
    expect(second).toMatchObject({ batchNumber: 1n, messageCount: 1, firstBlock: 2n, lastBlock: 2n });
    // Blocks confirmed together go into one batch.
    chain.mine([chain.message(4)]);
    chain.mine([chain.message(5), chain.message(6)]);
    chain.mineEmpty(2);
    expect((await poll(now)).map((b) => [b.messageCount, b.firstBlock, b.lastBlock])).toEqual([[3, 5n, 6n]]);
    chain.mineEmpty(3);
    expect(await poll(later())).toEqual([]); // nothing waiting: never an empty batch
    expect(store.batches).toHaveLength(3);
  });

  it('caps a batch at BATCH_MAX_MESSAGES: a block that brings more is split, all of it sealed in the same poll', async () => {
    const { chain, store, poll } = setup();
    chain.mine(Array.from({ length: 7 }, (_, i) => chain.message(i)));
    chain.mineEmpty(2);
    const sealed = await poll(Date.now());
    expect(sealed.map((b) => [b.batchNumber, b.messageCount, b.firstBlock, b.lastBlock])).toEqual([
      [0n, 3, 1n, 1n],
      [1n, 3, 1n, 1n],
      [2n, 1, 1n, 1n],
    ]);
    // Leaves in log order across the split.
    const ordered = [...store.messages].sort((a, b) =>
      a.batchNumber === b.batchNumber ? a.leafIndex! - b.leafIndex! : a.batchNumber! < b.batchNumber! ? -1 : 1,
    );
    expect(ordered.map((m) => m.logIndex)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('while the watcher catches up, fills batches to the cap and seals the rest after BATCH_INTERVAL_MS', async () => {
    const { chain, watcher, current } = setup(CHAIN_DEPTH, { CONFIRMATIONS: 0 });
    chain.mine([chain.message(1), chain.message(2)]); // block 1
    chain.mineEmpty(8); // head 9; MAX_BLOCK_RANGE 5: the first scan reads blocks 0..4
    const start = Date.now();
    const first = await watcher.tick();
    expect(first).toMatchObject({ head: 9n, scannedTo: 4n });
    // Behind the head: 2 < 3 waiting and the interval has not passed, so nothing is sealed yet.
    expect(await current().sealDue(first.head, first.scannedTo, start)).toEqual([]);
    const [late] = await current().sealDue(first.head, first.scannedTo, start + settings.BATCH_INTERVAL_MS + 1);
    expect(late).toMatchObject({ batchNumber: 0n, messageCount: 2 });

    // A full batch goes at once, even while behind.
    chain.mine([chain.message(3), chain.message(4), chain.message(5), chain.message(6)]); // block 10
    chain.mineEmpty(8); // head 18
    await watcher.tick(); // 5..9
    let result = await watcher.tick(); // 10..14
    expect(result).toMatchObject({ head: 18n, scannedTo: 14n });
    const [full, ...rest] = await current().sealDue(result.head, result.scannedTo, start + 1_100);
    expect(full).toMatchObject({ batchNumber: 1n, messageCount: 3, firstBlock: 10n });
    expect(rest).toEqual([]); // 1 left, not full, behind, interval not passed since the last seal
    while (result.scannedTo !== result.head) result = await watcher.tick();
    // Caught up: the rest is what the confirmed blocks brought, sealed now.
    const [caughtUp] = await current().sealDue(result.head, result.scannedTo, start + 1_200);
    expect(caughtUp).toMatchObject({ batchNumber: 2n, messageCount: 1, firstBlock: 10n, lastBlock: 10n });
  });

  it('BATCH_MIN_INTERVAL_MS spaces batches of new blocks; full batches and BATCH_INTERVAL_MS still seal', async () => {
    const { chain, poll } = setup(CHAIN_DEPTH, { CONFIRMATIONS: 0, BATCH_MIN_INTERVAL_MS: 500 });
    const t0 = Date.now() + 1_000;
    chain.mine([chain.message(1)]);
    expect(await poll(t0)).toHaveLength(1); // 1 s after the start: more than 500 ms since "the last seal"
    chain.mine([chain.message(2)]);
    expect(await poll(t0 + 100)).toEqual([]); // a new block brought one, but only 100 ms after the last batch
    chain.mine([chain.message(3)]);
    const [spaced] = await poll(t0 + 600);
    expect(spaced).toMatchObject({ batchNumber: 1n, messageCount: 2 });
    chain.mine([chain.message(4), chain.message(5), chain.message(6), chain.message(7)]);
    const [full, ...rest] = await poll(t0 + 650);
    expect(full).toMatchObject({ batchNumber: 2n, messageCount: 3 });
    expect(rest).toEqual([]);
    const [last] = await poll(t0 + 650 + 500);
    expect(last).toMatchObject({ batchNumber: 3n, messageCount: 1 });
  });

  it('a reorg before confirmation drops the replaced messages and seals the new fork', async () => {
    const { chain, store, poll, metrics } = setup();
    chain.mine([chain.message(1)]); // block 1
    chain.mineEmpty(2); // 2, 3
    expect(await poll(later())).toHaveLength(1); // block 1 sealed as batch 0
    const lost = chain.message(2);
    chain.mine([lost]); // block 4 (unconfirmed)
    await poll(later());
    expect(store.messages.map((m) => m.messageId)).toContain(messageLeaf(lost));

    chain.reorg(3n); // block 4 replaced
    const replacement = chain.message(3);
    chain.mine([replacement]); // new block 4
    chain.mineEmpty(2);
    const result = await chain.headNumber();
    expect(result).toBe(6n);
    const [batch] = await poll(later());
    expect(store.messages.map((m) => m.messageId)).not.toContain(messageLeaf(lost));
    expect(batch).toMatchObject({ batchNumber: 1n, messageCount: 1, firstBlock: 4n });
    expect(batch!.batchRoot).toBe(buildBatchTree([messageLeaf(replacement)]).root);
    expect((await metrics.reorgsDetected.get()).values[0]!.value).toBe(1);
  });

  it('refuses a reorg below a sealed block (DeepReorgError) and keeps the sealed batch', async () => {
    const { chain, store, watcher, poll } = setup();
    chain.mine([chain.message(1)]);
    chain.mineEmpty(2);
    expect(await poll(later())).toHaveLength(1);
    chain.reorg(0n);
    chain.mineEmpty(5);
    await expect(watcher.tick()).rejects.toBeInstanceOf(DeepReorgError);
    expect(store.batches).toHaveLength(1);
    expect(store.messages.filter((m) => m.batchNumber === 0n)).toHaveLength(1);
  });

  it('catches up in MAX_BLOCK_RANGE steps, remembering the checkpoint block, and rescans a read that straddles a reorg', async () => {
    const { chain, store, watcher } = setup();
    chain.mine([chain.message(1)]);
    chain.mineEmpty(19);
    expect(await watcher.tick()).toMatchObject({ head: 20n, scannedTo: 4n, newMessages: 1 });
    expect([...store.blocks.keys()]).toContain(4n);
    // The chain moves under the next scan: headers are read from one fork, the logs from another.
    const realBlocks = chain.blocks.bind(chain);
    chain.blocks = async (from, to) => {
      const blocks = await realBlocks(from, to);
      chain.reorg(5n);
      chain.mine([chain.message(2)]);
      chain.mineEmpty(20);
      return blocks;
    };
    await expect(watcher.tick()).rejects.toBeInstanceOf(InconsistentReadError);
    expect(store.checkpoint?.number).toBe(4n); // nothing of the inconsistent read was recorded
    chain.blocks = realBlocks;
    let result = await watcher.tick();
    while (result.scannedTo !== result.head) result = await watcher.tick();
    expect(store.messages).toHaveLength(2);
  });

  it('a failed seal transaction consumes no batch number and does not advance the chain tree', async () => {
    const { chain, store, poll } = setup();
    chain.mine([chain.message(1)]);
    chain.mineEmpty(2);
    store.failNextSave = true;
    await expect(poll(later())).rejects.toThrow('transaction aborted');
    expect(store.batches).toEqual([]);
    expect(store.frontier).toBeNull();
    const [batch] = await poll(later());
    expect(batch!.batchNumber).toBe(0n);
    expect(batch!.chainRoot).toBe(chainRootsOf([batch!.batchRoot])[0]);
  });
});

describe('batcher: chain tree and v2 signatures', () => {
  const domain = interopHubDomain(900n, HUB);
  const operator = privateKeyToAccount(KEY).address;

  it('signs, for each of many batches, the ChainTree root after it, over the v2 BatchRoot typed data', async () => {
    const { store, sealBatches } = setup();
    const sealed = await sealBatches(40);
    expect(sealed.map((b) => b.batchNumber)).toEqual(sealed.map((_, i) => BigInt(i)));
    const expected = chainRootsOf(sealed.map((b) => b.batchRoot));
    expect(sealed.map((b) => b.chainRoot)).toEqual(expected);
    expect(store.batches.map((b) => b.chainRoot)).toEqual(expected);
    for (const b of sealed) expect(await recoverBatchRootSigner(domain, b, b.signature)).toBe(operator);
    // The chain root is part of what is signed: another one recovers to someone else.
    const other = { ...sealed[5]!, chainRoot: expected[4]! };
    expect(await recoverBatchRootSigner(domain, other, sealed[5]!.signature)).not.toBe(operator);
    // The frontier stored with the last batch is the tree after it.
    expect(store.frontier).toMatchObject({ size: 40n, root: expected[39] });
    expect(store.frontier!.frontier).toHaveLength(CHAIN_DEPTH);
  });

  it('a restarted batcher continues the tree from the stored frontier, without reading the old batches', async () => {
    const { store, sealBatches, restart } = setup();
    const before = await sealBatches(7);
    restart();
    const read = jest.spyOn(store, 'sealedBatchRoots');
    const after = await sealBatches(6);
    expect(read).not.toHaveBeenCalled();
    const all = [...before, ...after];
    expect(all.map((b) => b.batchNumber)).toEqual(all.map((_, i) => BigInt(i)));
    expect(all.map((b) => b.chainRoot)).toEqual(chainRootsOf(all.map((b) => b.batchRoot)));
    for (const b of after) expect(await recoverBatchRootSigner(domain, b, b.signature)).toBe(operator);
  });

  it('rebuilds a missing frontier row once from the sealed batches, then continues', async () => {
    const { store, sealBatches, restart } = setup();
    const before = await sealBatches(9);
    const stored = store.frontier;
    store.frontier = null; // e.g. a database from before the frontier table
    restart();
    const read = jest.spyOn(store, 'sealedBatchRoots');
    const saved = jest.spyOn(store, 'saveChainTreeFrontier');
    const after = await sealBatches(3);
    expect(read).toHaveBeenCalledTimes(1);
    // The rebuilt row is the one the batches had written.
    expect(saved.mock.calls).toEqual([[stored]]);
    const all = [...before, ...after];
    expect(all.map((b) => b.chainRoot)).toEqual(chainRootsOf(all.map((b) => b.batchRoot)));
    expect(store.frontier).toMatchObject({ size: 12n, root: all[11]!.chainRoot });
    // Once rebuilt, a restart restores it again without reading the batches.
    restart();
    await sealBatches(1);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('a save that committed but reported a failure reloads the tree from the store and goes on', async () => {
    const { store, sealBatches, chain, poll } = setup();
    await sealBatches(2);
    chain.mine([chain.message(100)]);
    chain.mineEmpty(2);
    store.failAfterNextSave = true;
    await expect(poll(later())).rejects.toThrow('connection lost after commit');
    expect(store.batches).toHaveLength(3);
    const after = await sealBatches(2);
    expect(after.map((b) => b.batchNumber)).toEqual([3n, 4n]);
    expect(store.batches.map((b) => b.chainRoot)).toEqual(chainRootsOf(store.batches.map((b) => b.batchRoot)));
  });

  it('refuses to sign on a frontier that disagrees with the sealed batches (ChainTreeMismatchError)', async () => {
    const { store, sealBatches, restart, chain, poll } = setup();
    const sealed = await sealBatches(3);
    const good = store.frontier!;
    chain.mine([chain.message(200)]);
    chain.mineEmpty(2);

    store.frontier = { ...good, size: 2n }; // behind the last batch
    restart();
    await expect(poll(later())).rejects.toBeInstanceOf(ChainTreeMismatchError);
    store.frontier = { ...good, root: sealed[1]!.chainRoot }; // not the last batch's signed chain root
    restart();
    await expect(poll(later())).rejects.toBeInstanceOf(ChainTreeMismatchError);
    store.frontier = { ...good, frontier: good.frontier.map((f, i) => (i === 0 ? f + 1n : f)) }; // corrupt node
    restart();
    await expect(poll(later())).rejects.toThrow(/hashes to/);
    store.frontier = { ...good, frontier: good.frontier.slice(1) }; // another depth
    restart();
    await expect(poll(later())).rejects.toThrow(/levels, CHAIN_DEPTH is 20/);
    // A rebuild checks every signed chain root on the way.
    store.frontier = null;
    store.batches[1]!.chainRoot = sealed[0]!.chainRoot;
    restart();
    await expect(poll(later())).rejects.toThrow(/batch 1 was signed with chain root/);
    expect(store.batches).toHaveLength(3); // nothing was sealed meanwhile

    store.batches[1]!.chainRoot = sealed[1]!.chainRoot;
    store.frontier = good;
    restart();
    const [next] = await poll(later());
    expect(next!.chainRoot).toBe(chainRootsOf([...sealed.map((b) => b.batchRoot), next!.batchRoot])[3]);
  });

  it('fills a chain tree to 2^depth batches, then refuses to seal (ChainTreeFullError), also after a restart', async () => {
    const { store, sealBatches, restart, chain, poll } = setup(2);
    const sealed = await sealBatches(4);
    expect(sealed.map((b) => b.chainRoot)).toEqual(
      chainRootsOf(
        sealed.map((b) => b.batchRoot),
        2,
      ),
    );
    expect(store.frontier).toEqual({
      size: 4n,
      frontier: poseidonZeroHashes(2).slice(0, 2),
      root: sealed[3]!.chainRoot,
    });
    chain.mine([chain.message(300)]);
    chain.mineEmpty(2);
    await expect(poll(later())).rejects.toBeInstanceOf(ChainTreeFullError);
    restart();
    await expect(poll(later())).rejects.toBeInstanceOf(ChainTreeFullError);
    expect(store.batches).toHaveLength(4);
  });
});

describe('publisher (outbox)', () => {
  it('publishes a round of batches: messages in (batch, leaf) order in one send, then the roots; a failure is retried with identical records', async () => {
    const { chain, poll, publisher, sink, store, metrics } = setup();
    const sent = [chain.message(1), chain.message(2)];
    chain.mine(sent);
    chain.mineEmpty(2);
    await poll(later());
    chain.mine([chain.message(3)]);
    chain.mineEmpty(2);
    await poll(later());
    expect(store.batches.map((b) => b.batchNumber)).toEqual([0n, 1n]);

    sink.failTopic = 'roots'; // the messages of both batches go out, the roots do not
    const first = await publisher.publishPending();
    expect(first).toMatchObject({ published: [], failed: { batchNumber: 0n } });
    expect(sink.records.map((r) => r.topic)).toEqual(['messages', 'messages', 'messages']);
    expect(store.batches.map((b) => b.publishedAt)).toEqual([null, null]);
    expect(store.publishFailures.map((f) => f.batchNumber)).toEqual([0n]);
    expect((await metrics.publishRetries.get()).values[0]!.value).toBe(1);
    const firstMessages = sink.records.map((r) => r.value);

    sink.failTopic = null;
    sink.records = [];
    sink.calls = [];
    expect(await publisher.publishPending()).toEqual({ published: [0n, 1n], failed: null });
    // One send for the round's messages, one for its roots (the sink splits them by size).
    expect(sink.calls).toEqual([
      { topic: 'messages', count: 3 },
      { topic: 'roots', count: 2 },
    ]);
    expect(sink.records.map((r) => [r.topic, r.key])).toEqual([
      ['messages', '901'],
      ['messages', '901'],
      ['messages', '901'],
      ['roots', '901'],
      ['roots', '901'],
    ]);
    expect(sink.records.slice(0, 3).map((r) => r.value)).toEqual(firstMessages);
    const m = sink.records.slice(0, 2).map((r) => messageRecordSchema.parse(JSON.parse(r.value)));
    expect(m.map((r) => [r.batchNumber, r.leafIndex, messageLeaf(r.message)])).toEqual(
      sent.map((s, i) => [0n, i, messageLeaf(s)]),
    );
    expect(messageRecordSchema.parse(JSON.parse(sink.records[2]!.value))).toMatchObject({
      batchNumber: 1n,
      leafIndex: 0,
    });
    const roots = sink.records.slice(3).map((r) => batchRootRecordSchema.parse(JSON.parse(r.value)));
    expect(roots.map((r) => r.batchNumber)).toEqual([0n, 1n]);
    const root = roots[0]!;
    expect(root.batchRoot).toBe(buildBatchTree(m.map((r) => messageLeaf(r.message))).root);
    expect(root).toMatchObject({
      v: 2,
      chainRoot: store.batches[0]!.chainRoot,
      signature: store.batches[0]!.signature,
    });
    expect(await publisher.publishPending()).toEqual({ published: [], failed: null });

    // A re-publish (the crash between the broker's ack and markPublished) sends byte-identical v2 root records.
    const firstRoots = sink.records.filter((r) => r.topic === 'roots').map((r) => r.value);
    for (const b of store.batches) b.publishedAt = null;
    sink.records = [];
    expect(await publisher.publishPending()).toEqual({ published: [0n, 1n], failed: null });
    expect(sink.records.filter((r) => r.topic === 'roots').map((r) => r.value)).toEqual(firstRoots);
  });

  it('publishes batches the batcher handed over without reading them back, byte-identical to the store path', async () => {
    const { chain, poll, publisher, sink, store } = setup();
    chain.mine([chain.message(1), chain.message(2)]);
    chain.mineEmpty(2);
    const sealed = await poll(later());
    chain.mine([chain.message(3)]);
    chain.mineEmpty(2);
    sealed.push(...(await poll(later())));
    for (const b of sealed) publisher.offer(b.batchNumber, b.messages);
    const read = jest.spyOn(store, 'batchMessages');
    expect(await publisher.publishPending()).toEqual({ published: [0n, 1n], failed: null });
    expect(read).not.toHaveBeenCalled();
    const handedOver = sink.records.map((r) => [r.topic, r.key, r.value]);
    expect(handedOver).toHaveLength(5);

    // The same batches read back from the store (a restarted process) give the same records.
    for (const b of store.batches) b.publishedAt = null;
    sink.records = [];
    expect(await publisher.publishPending()).toEqual({ published: [0n, 1n], failed: null });
    expect(read).toHaveBeenCalledTimes(1);
    expect(sink.records.map((r) => [r.topic, r.key, r.value])).toEqual(handedOver);
  });

  it('publishes nothing of a round whose stored messages do not add up to its batches', async () => {
    const { chain, poll, publisher, sink, store } = setup();
    chain.mine([chain.message(1), chain.message(2)]);
    chain.mineEmpty(2);
    await poll(later());
    store.messages = store.messages.filter((m) => m.leafIndex !== 1); // a store that lost a row
    const result = await publisher.publishPending();
    expect(result.failed).toMatchObject({ batchNumber: 0n, error: 'batch 0: 1 of 2 messages stored' });
    expect(sink.calls).toEqual([]);
    expect(store.batches[0]!.publishedAt).toBeNull();
  });
});
