import { Inject, Injectable } from '@nestjs/common';
import { createPublicClient, http, type PublicClient } from 'viem';

import { BRIDGE_CONFIG, type BridgeConfig } from '../config/bridgeConfig';

/** Head block numbers of the configured L2s (CHAINS_JSON), for the operator's lag view. */
@Injectable()
export class ChainHeads {
  private readonly clients = new Map<bigint, PublicClient>();

  constructor(@Inject(BRIDGE_CONFIG) config: Pick<BridgeConfig, 'CHAINS_JSON'>) {
    for (const c of config.CHAINS_JSON) {
      this.clients.set(c.chainId, createPublicClient({ transport: http(c.rpcUrl, { timeout: 5_000, retryCount: 0 }) }));
    }
  }

  /** The chain's latest block number, or an error message when its node does not answer. */
  async head(chainId: bigint): Promise<{ block: bigint } | { error: string }> {
    const client = this.clients.get(chainId);
    if (!client) return { error: `chain ${chainId} is not configured` };
    try {
      return { block: await client.getBlockNumber() };
    } catch (e) {
      return { error: e instanceof Error ? (e.message.split('\n')[0] ?? 'unreachable') : String(e) };
    }
  }
}
