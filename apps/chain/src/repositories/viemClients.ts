import { createPublicClient, defineChain, http, webSocket, type Chain, type PublicClient, type Transport } from 'viem';

/** A viem chain definition for a chain id and RPC URL (what wallet clients need to sign transactions). */
export function chainDefinition(chainId: bigint, rpcUrl: string, name = `chain-${chainId}`): Chain {
  return defineChain({
    id: Number(chainId),
    name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

/** HTTP (JSON-RPC batched: the watcher reads many headers per poll) or WebSocket transport. */
export function rpcTransport(rpcUrl: string): Transport {
  return rpcUrl.startsWith('ws') ? webSocket(rpcUrl) : http(rpcUrl, { batch: { batchSize: 100 }, retryCount: 2 });
}

/** A public client for one chain, polling receipts quickly (local chains mine in milliseconds). */
export function publicClientFor(chainId: bigint, rpcUrl: string): PublicClient {
  return createPublicClient({
    chain: chainDefinition(chainId, rpcUrl),
    transport: rpcTransport(rpcUrl),
    pollingInterval: 100,
  });
}
