import { Inject, Injectable, Logger } from '@nestjs/common';
import { zeroHash } from 'viem';

import { CHAIN_CONFIG, type ChainConfig } from '../config/chainConfig';
import {
  HANDLER_CLIENT,
  ROOT_STORE,
  SETTLEMENT_READER,
  type HandlerClient,
  type RootStore,
  type SettlementReader,
} from '../domain/ports';
import { RootMismatchError } from '../errors/chainErrors';
import { ChainMetrics } from '../metrics/chainMetrics';

export type RootImporterSettings = Pick<ChainConfig, 'L1_START_BLOCK' | 'L1_CONFIRMATIONS' | 'MAX_BLOCK_RANGE'>;

/** What one poll did. */
export type RootImportTickResult = { imported: bigint[]; skipped: bigint[]; scannedTo: bigint | null };

/**
 * Follows InteropHub's `RootSubmitted` settlements on L1 (blocks at least L1_CONFIRMATIONS deep, from a checkpoint)
 * and imports each proven shared root into the chain's InteropHandler with the operator key. A root the handler
 * already has is skipped (another importer, or a replay after a crash); an epoch older than the handler's latest is
 * skipped too (the handler only accepts increasing epochs, and newer roots cover it). Each import is recorded before
 * the checkpoint moves, so a crash re-checks the handler instead of sending twice.
 */
@Injectable()
export class RootImporterService {
  private readonly logger = new Logger(RootImporterService.name);

  constructor(
    @Inject(SETTLEMENT_READER) private readonly l1: SettlementReader,
    @Inject(HANDLER_CLIENT) private readonly handler: HandlerClient,
    @Inject(ROOT_STORE) private readonly store: RootStore,
    @Inject(CHAIN_CONFIG) private readonly settings: RootImporterSettings,
    @Inject(ChainMetrics) private readonly metrics: ChainMetrics,
  ) {}

  async tick(): Promise<RootImportTickResult> {
    const head = await this.l1.headNumber();
    const safe = head - BigInt(this.settings.L1_CONFIRMATIONS);
    const checkpoint = await this.store.checkpoint();
    const from = checkpoint === null ? this.settings.L1_START_BLOCK : checkpoint + 1n;
    if (from > safe) return { imported: [], skipped: [], scannedTo: checkpoint };
    const rangeEnd = from + BigInt(this.settings.MAX_BLOCK_RANGE) - 1n;
    const to = rangeEnd < safe ? rangeEnd : safe;
    const imported: bigint[] = [];
    const skipped: bigint[] = [];
    for (const settled of await this.l1.rootSubmittedLogs(from, to)) {
      const current = (await this.handler.sharedRootAt(settled.epoch)).toLowerCase();
      if (current !== zeroHash) {
        if (current !== settled.root.toLowerCase()) {
          throw new RootMismatchError({ epoch: settled.epoch.toString(), l1Root: settled.root, handlerRoot: current });
        }
        await this.store.saveImported(settled, null);
        skipped.push(settled.epoch);
        continue;
      }
      const latest = await this.handler.latestEpoch();
      if (latest >= settled.epoch) {
        this.logger.warn(
          `epoch ${settled.epoch} is older than the handler's latest ${latest}: not importable, skipped`,
        );
        skipped.push(settled.epoch);
        continue;
      }
      const txHash = await this.handler.importSharedRoot(settled.epoch, settled.root);
      await this.store.saveImported(settled, txHash);
      this.metrics.rootsImported.inc();
      this.metrics.state.lastImportedEpoch = settled.epoch;
      imported.push(settled.epoch);
      this.logger.log(`imported shared root of epoch ${settled.epoch} (${settled.root}) in ${txHash}`);
    }
    await this.store.setCheckpoint(to, await this.l1.blockHash(to));
    return { imported, skipped, scannedTo: to };
  }
}
