import { createPublicClient, http, webSocket } from 'viem';

import type { HealthCheck } from './healthCheck';

export type RpcHealthCheckParameters = {
  /** Check name, e.g. `rpc-l1`, `rpc-l2-901`. */
  name: string;
  url: string;
  /** When set, a node on another chain is reported down (a misconfigured URL is worse than an unreachable one). */
  expectedChainId?: bigint;
};

/**
 * The JSON-RPC node answers `eth_chainId` (and, when configured, with the expected chain id).
 *
 * @example
 * rpcHealthCheck({ name: 'rpc-l1', url: config.L1_RPC_URL, expectedChainId: config.L1_CHAIN_ID })
 */
export function rpcHealthCheck({ name, url, expectedChainId }: RpcHealthCheckParameters): HealthCheck {
  const transport = url.startsWith('ws')
    ? webSocket(url, { retryCount: 0 })
    : http(url, { retryCount: 0, timeout: 2_500 });
  const client = createPublicClient({ transport });
  return {
    name,
    check: async () => {
      const chainId = BigInt(await client.getChainId());
      if (expectedChainId !== undefined && chainId !== expectedChainId) {
        throw new Error(`${url} is chain ${chainId}, expected ${expectedChainId}`);
      }
      return { chainId: chainId.toString() };
    },
  };
}
