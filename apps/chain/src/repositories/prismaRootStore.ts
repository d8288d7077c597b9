import type { PrismaService } from '@interop/infra';
import type { Hex } from 'viem';

import type { RootStore } from '../domain/ports';
import type { SettledRoot } from '../domain/types';

/** WatcherCheckpoint name of the root importer (an L1 block number and hash). */
export const CHECKPOINT_L1_ROOTS = 'l1-roots';

/** `RootStore` on Postgres: `imported_roots` and the importer's L1 checkpoint. */
export class PrismaRootStore implements RootStore {
  constructor(
    private readonly prisma: PrismaService,
    private readonly chainId: bigint,
  ) {}

  async checkpoint(): Promise<bigint | null> {
    const row = await this.prisma.watcherCheckpoint.findUnique({
      where: { chainId_watcher: { chainId: this.chainId, watcher: CHECKPOINT_L1_ROOTS } },
    });
    return row?.blockNumber ?? null;
  }

  async setCheckpoint(l1Block: bigint, l1BlockHash: Hex): Promise<void> {
    await this.prisma.watcherCheckpoint.upsert({
      where: { chainId_watcher: { chainId: this.chainId, watcher: CHECKPOINT_L1_ROOTS } },
      create: { chainId: this.chainId, watcher: CHECKPOINT_L1_ROOTS, blockNumber: l1Block, blockHash: l1BlockHash },
      update: { blockNumber: l1Block, blockHash: l1BlockHash },
    });
  }

  async saveImported(root: SettledRoot, l2TxHash: Hex | null): Promise<void> {
    const data = { root: root.root, l1Block: root.l1Block, l1TxHash: root.l1TxHash, l2TxHash };
    await this.prisma.importedRoot.upsert({
      where: { chainId_epoch: { chainId: this.chainId, epoch: root.epoch } },
      create: { chainId: this.chainId, epoch: root.epoch, ...data },
      // A replay that found the root already imported must not erase the tx hash of the import.
      update: l2TxHash === null ? {} : data,
    });
  }

  async lastImported(): Promise<{ epoch: bigint; root: Hex } | null> {
    const row = await this.prisma.importedRoot.findFirst({
      where: { chainId: this.chainId },
      orderBy: { epoch: 'desc' },
    });
    return row ? { epoch: row.epoch, root: row.root as Hex } : null;
  }
}
