import {
  batchRootRecordSchema,
  buildBatchTree,
  messageLeaf,
  messageRecordSchema,
  recoverBatchRootSigner,
  interopHubDomain,
} from '@interop/protocol';
import { Logger } from '@nestjs/common';
import { privateKeyToAccount } from 'viem/accounts';

import { InMemoryChainStore } from '../../test/support/inMemoryChainStore';
import { SimulatedChain } from '../../test/support/simulatedChain';
import { DeepReorgError, InconsistentReadError } from '../errors/chainErrors';
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
  BATCH_MAX_MESSAGES: 3,
  BATCH_DEPTH: 16,
  KAFKA_TOPIC_BATCH_ROOTS: 'roots',
  KAFKA_TOPIC_MESSAGES: 'messages',
};

class RecordingSink {
  records: { topic: string; key: string; value: string }[] = [];
  failTopic: string | null = null;
  send(topic: string, key: string, value: string): Promise<void> {
    if (topic === this.failTopic) return Promise.reject(new Error(`broker refused ${topic}`));
    this.records.push({ topic, key, value });
    return Promise.resolve();
  }
}

function setup() {
  const chain = new SimulatedChain(901n);
  const store = new InMemoryChainStore();
  const metrics = new ChainMetrics(901n);
  const watcher = new WatcherService(chain, store, settings, metrics);
  const batcher = new BatcherService(store, new OperatorSigner(KEY, 900n, HUB), settings, metrics);
  const sink = new RecordingSink();
  const publisher = new PublisherService(store, sink, settings, metrics);
  /** Watch until caught up with the head, then seal what is due at `now`. */
  const poll = async (now = Date.now()) => {
    let result = await watcher.tick();
    while (result.scannedTo !== result.head) result = await watcher.tick();
    return batcher.sealDue(result.head, result.scannedTo, now);
  };
  return { chain, store, metrics, watcher, batcher, sink, publisher, poll };
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
    const signer = await recoverBatchRootSigner(interopHubDomain(900n, HUB), batch!, batch!.signature);
    expect(signer).toBe(privateKeyToAccount(KEY).address);
    expect(store.messages.filter((m) => m.batchNumber === 0n).map((m) => m.leafIndex)).toEqual([0, 1]);
    expect(store.sealedCheckpoint).toEqual({ number: 1n, hash: chain.blocksList[1]!.hash });

    chain.mineEmpty(1);
    const [next] = await poll(later());
    expect(next).toMatchObject({ batchNumber: 1n, messageCount: 1, firstBlock: 2n, lastBlock: 2n });
  });

  it('seals at BATCH_MAX_MESSAGES before the interval, never an empty batch, and splits a long backlog', async () => {
    const { chain, store, poll } = setup();
    const now = Date.now(); // just after the batcher started: the interval has not passed
    chain.mine([chain.message(1), chain.message(2)]);
    chain.mineEmpty(2);
    expect(await poll(now)).toEqual([]); // 2 < 3 and the interval has not passed
    chain.mine([chain.message(3), chain.message(4), chain.message(5), chain.message(6)]);
    chain.mineEmpty(2);
    const sealed = await poll(now);
    // 6 confirmed: two full batches of 3, the second one splitting block 4 by log index
    expect(sealed.map((b) => [b.batchNumber, b.messageCount, b.firstBlock, b.lastBlock])).toEqual([
      [0n, 3, 1n, 4n],
      [1n, 3, 4n, 4n],
    ]);
    expect(store.batches.map((b) => b.batchNumber)).toEqual([0n, 1n]);
    chain.mineEmpty(3);
    expect(await poll(later())).toEqual([]); // nothing waiting: no empty batch even after the interval
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

  it('a failed seal transaction consumes no batch number', async () => {
    const { chain, store, poll } = setup();
    chain.mine([chain.message(1)]);
    chain.mineEmpty(2);
    store.failNextSave = true;
    await expect(poll(later())).rejects.toThrow('transaction aborted');
    expect(store.batches).toEqual([]);
    const [batch] = await poll(later());
    expect(batch!.batchNumber).toBe(0n);
  });
});

describe('publisher (outbox)', () => {
  it('publishes messages in leaf order, then the root; a failure is retried with identical records', async () => {
    const { chain, poll, publisher, sink, store, metrics } = setup();
    const sent = [chain.message(1), chain.message(2)];
    chain.mine(sent);
    chain.mineEmpty(2);
    await poll(later());
    chain.mine([chain.message(3)]);
    chain.mineEmpty(2);
    await poll(later());
    expect(store.batches.map((b) => b.batchNumber)).toEqual([0n, 1n]);

    sink.failTopic = 'roots'; // messages of batch 0 go out, its root does not
    const first = await publisher.publishPending();
    expect(first).toMatchObject({ published: [], failed: { batchNumber: 0n } });
    expect(sink.records.map((r) => r.topic)).toEqual(['messages', 'messages']); // batch 1 not attempted
    expect((await metrics.publishRetries.get()).values[0]!.value).toBe(1);
    const firstMessages = sink.records.map((r) => r.value);

    sink.failTopic = null;
    sink.records = [];
    expect(await publisher.publishPending()).toEqual({ published: [0n, 1n], failed: null });
    expect(sink.records.map((r) => [r.topic, r.key])).toEqual([
      ['messages', '901'],
      ['messages', '901'],
      ['roots', '901'],
      ['messages', '901'],
      ['roots', '901'],
    ]);
    expect(sink.records.slice(0, 2).map((r) => r.value)).toEqual(firstMessages);
    const m = sink.records.slice(0, 2).map((r) => messageRecordSchema.parse(JSON.parse(r.value)));
    expect(m.map((r) => [r.leafIndex, messageLeaf(r.message)])).toEqual(sent.map((s, i) => [i, messageLeaf(s)]));
    const root = batchRootRecordSchema.parse(JSON.parse(sink.records[2]!.value));
    expect(root.batchRoot).toBe(buildBatchTree(m.map((r) => messageLeaf(r.message))).root);
    expect(await publisher.publishPending()).toEqual({ published: [], failed: null });
  });
});
