import { Inject, Injectable } from '@nestjs/common';

import { BRIDGE_CONFIG, type BridgeConfig } from '../config/bridgeConfig';
import { ChainHeads } from './chainHeads';
import { HubClient } from './hubClient';

type HubChain = { chainId: string; name: string; status: string; slot: number | null; operator: string };
type HubLatestBatch = {
  chainId: string;
  batchNumber: string;
  lastBlock: string;
  epoch: string | null;
  receivedAt: string;
  batchesPending: number;
};

/** One chain as the operator page shows it: registry entry, contracts, head block and ingestion lag. */
export type OperatorChainView = {
  chainId: string;
  name: string | null;
  status: string | null;
  slot: number | null;
  operator: string | null;
  rpcUrl: string | null;
  interopCenter: string | null;
  interopHandler: string | null;
  nativeTokenVault: string | null;
  headBlock: string | null;
  headError: string | null;
  latestBatch: HubLatestBatch | null;
  /** Head block minus the last block of the newest ingested batch (grows on an idle chain too). */
  blocksSinceLastBatch: string | null;
};

/** What the operator page and the CLI read from the bridge: its chains joined with the hub's view of them. */
@Injectable()
export class OperatorService {
  constructor(
    @Inject(BRIDGE_CONFIG) private readonly config: Pick<BridgeConfig, 'CHAINS_JSON' | 'HUB_URL'>,
    @Inject(HubClient) private readonly hub: HubClient,
    @Inject(ChainHeads) private readonly heads: ChainHeads,
  ) {}

  /** Configured chains with contracts, hub registry entries, head blocks and the lag of batch ingestion. */
  async overview(): Promise<{ hubConfigured: boolean; hubError: string | null; chains: OperatorChainView[] }> {
    let hubChains: HubChain[] = [];
    let batches: HubLatestBatch[] = [];
    let hubError: string | null = null;
    if (this.hub.configured) {
      try {
        [hubChains, batches] = await Promise.all([
          this.hub.get('/chains') as Promise<HubChain[]>,
          this.hub.get('/batches/latest') as Promise<HubLatestBatch[]>,
        ]);
      } catch (e) {
        hubError = e instanceof Error ? e.message : String(e);
      }
    }
    const ids = new Set<string>([
      ...this.config.CHAINS_JSON.map((c) => c.chainId.toString()),
      ...hubChains.map((c) => c.chainId),
    ]);
    const chains = await Promise.all(
      [...ids]
        .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0))
        .map(async (id): Promise<OperatorChainView> => {
          const configured = this.config.CHAINS_JSON.find((c) => c.chainId.toString() === id);
          const registered = hubChains.find((c) => c.chainId === id);
          const latestBatch = batches.find((b) => b.chainId === id) ?? null;
          const head = configured ? await this.heads.head(configured.chainId) : undefined;
          const headBlock = head && 'block' in head ? head.block : undefined;
          return {
            chainId: id,
            name: registered?.name ?? null,
            status: registered?.status ?? null,
            slot: registered?.slot ?? null,
            operator: registered?.operator ?? null,
            rpcUrl: configured?.rpcUrl ?? null,
            interopCenter: configured?.interopCenter ?? null,
            interopHandler: configured?.interopHandler ?? null,
            nativeTokenVault: configured?.nativeTokenVault ?? null,
            headBlock: headBlock?.toString() ?? null,
            headError: head && 'error' in head ? head.error : null,
            latestBatch,
            blocksSinceLastBatch:
              headBlock !== undefined && latestBatch ? (headBlock - BigInt(latestBatch.lastBlock)).toString() : null,
          };
        }),
    );
    return { hubConfigured: this.hub.configured, hubError, chains };
  }

  /** A GET of the hub's public API (only the paths the controller allows). */
  hubGet(path: string): Promise<unknown> {
    return this.hub.get(path);
  }
}
