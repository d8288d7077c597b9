import { Logger } from '@nestjs/common';
import { keccak256, toHex, zeroHash, type Hex } from 'viem';

import type { HandlerClient, RootStore, SettlementReader } from '../domain/ports';
import type { SettledRoot } from '../domain/types';
import { RootMismatchError } from '../errors/chainErrors';
import { ChainMetrics } from '../metrics/chainMetrics';
import { RootImporterService } from './rootImporter.service';

beforeAll(() => {
  Logger.overrideLogger(false);
});

const root = (epoch: bigint, l1Block: bigint): SettledRoot => ({
  epoch,
  prevRoot: zeroHash,
  root: keccak256(toHex(`root-${epoch}`)),
  l1Block,
  l1TxHash: keccak256(toHex(`tx-${epoch}`)),
  logIndex: 0,
});

class MemoryRootStore implements RootStore {
  cp: bigint | null = null;
  saved = new Map<bigint, Hex | null>();
  checkpoint(): Promise<bigint | null> {
    return Promise.resolve(this.cp);
  }
  setCheckpoint(n: bigint): Promise<void> {
    this.cp = n;
    return Promise.resolve();
  }
  saveImported(r: SettledRoot, tx: Hex | null): Promise<void> {
    this.saved.set(r.epoch, tx);
    return Promise.resolve();
  }
  lastImported(): Promise<null> {
    return Promise.resolve(null);
  }
}

/** L1 with settlements at given blocks; a handler with InteropHandler's rule (epochs strictly increase). */
function setup(settled: SettledRoot[], head: bigint) {
  const l1: SettlementReader = {
    headNumber: () => Promise.resolve(head),
    blockHash: (n) => Promise.resolve(keccak256(toHex(`block-${n}`))),
    rootSubmittedLogs: (from, to) => Promise.resolve(settled.filter((s) => s.l1Block >= from && s.l1Block <= to)),
  };
  const roots = new Map<bigint, Hex>();
  const sent: bigint[] = [];
  const handler: HandlerClient = {
    sharedRootAt: (e) => Promise.resolve(roots.get(e) ?? zeroHash),
    latestEpoch: () => Promise.resolve([...roots.keys()].reduce((a, b) => (a > b ? a : b), 0n)),
    importSharedRoot: (e, r) => {
      if ([...roots.keys()].some((k) => k >= e)) return Promise.reject(new Error('EpochNotIncreasing'));
      roots.set(e, r);
      sent.push(e);
      return Promise.resolve(keccak256(toHex(`l2-${e}`)));
    },
  };
  const store = new MemoryRootStore();
  const settings = { L1_START_BLOCK: 0n, L1_CONFIRMATIONS: 1, MAX_BLOCK_RANGE: 100 };
  const importer = new RootImporterService(l1, handler, store, settings, new ChainMetrics(901n));
  return { importer, roots, sent, store };
}

describe('RootImporterService', () => {
  it('imports settled roots in epoch order up to L1_CONFIRMATIONS, skips what the handler has, checkpoints', async () => {
    const { importer, roots, sent, store } = setup([root(1n, 3n), root(2n, 5n), root(3n, 9n)], 9n);
    roots.set(1n, root(1n, 3n).root); // imported by someone else already
    expect(await importer.tick()).toEqual({ imported: [2n], skipped: [1n], scannedTo: 8n });
    expect(sent).toEqual([2n]); // epoch 3 is in block 9, not yet 1 confirmation deep
    expect(store.saved.get(1n)).toBeNull();
    expect(store.saved.get(2n)).toMatch(/^0x/);
    expect(store.cp).toBe(8n);
    expect(await importer.tick()).toEqual({ imported: [], skipped: [], scannedTo: 8n });
  });

  it('refuses to go on when the handler holds another root for a settled epoch', async () => {
    const { importer, roots, store } = setup([root(1n, 2n)], 5n);
    roots.set(1n, keccak256('0x99'));
    await expect(importer.tick()).rejects.toBeInstanceOf(RootMismatchError);
    expect(store.cp).toBeNull();
  });
});
