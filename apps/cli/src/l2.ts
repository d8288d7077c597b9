import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
  type Chain,
  type PrivateKeyAccount,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { z } from 'zod';

import type { ApiClient } from './api';
import { CliError, UsageError } from './errors';

/** One L2: its RPC endpoint and interop contracts. */
export type L2Config = {
  chainId: bigint;
  rpcUrl: string;
  interopCenter: Address;
  interopHandler: Address;
  nativeTokenVault: Address;
};

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const chainsSchema = z.array(
  z.object({
    chainId: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]),
    rpcUrl: z.string().regex(/^(https?|wss?):\/\//),
    interopCenter: address,
    interopHandler: address,
    nativeTokenVault: address,
  }),
);

/** Parses a CHAINS_JSON value (the bridge's format). */
export function parseChainsJson(text: string): L2Config[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError('CHAINS_JSON is not JSON');
  }
  const parsed = chainsSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`CHAINS_JSON: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  return parsed.data.map((c) => ({
    chainId: BigInt(c.chainId),
    rpcUrl: c.rpcUrl,
    interopCenter: c.interopCenter as Address,
    interopHandler: c.interopHandler as Address,
    nativeTokenVault: c.nativeTokenVault as Address,
  }));
}

type OverviewChain = {
  chainId: string;
  rpcUrl: string | null;
  interopCenter: string | null;
  interopHandler: string | null;
  nativeTokenVault: string | null;
};

/** The L2s: CHAINS_JSON when configured, else what the bridge serves at /operator/api/overview. */
export async function loadL2s(chainsJson: string | undefined, bridge: ApiClient): Promise<L2Config[]> {
  if (chainsJson !== undefined) return parseChainsJson(chainsJson);
  const overview = await bridge.get<{ chains: OverviewChain[] }>('/operator/api/overview');
  return overview.chains
    .filter((c) => c.rpcUrl && c.interopCenter && c.interopHandler && c.nativeTokenVault)
    .map((c) => ({
      chainId: BigInt(c.chainId),
      rpcUrl: c.rpcUrl!,
      interopCenter: c.interopCenter as Address,
      interopHandler: c.interopHandler as Address,
      nativeTokenVault: c.nativeTokenVault as Address,
    }));
}

export function findL2(l2s: L2Config[], chainId: bigint, role: string): L2Config {
  const c = l2s.find((x) => x.chainId === chainId);
  if (!c) {
    const known = l2s.map((x) => x.chainId.toString()).join(', ') || 'none';
    throw new UsageError(`${role} chain ${chainId} is not configured (known chains: ${known})`);
  }
  return c;
}

/** viem clients of one L2 for a signer. */
export function l2Clients(
  c: L2Config,
  key: Hex,
): { chain: Chain; publicClient: PublicClient; wallet: WalletClient; account: PrivateKeyAccount } {
  const chain = defineChain({
    id: Number(c.chainId),
    name: `l2-${c.chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [c.rpcUrl] } },
  });
  const account = privateKeyToAccount(key);
  const publicClient = createPublicClient({ chain, transport: http(c.rpcUrl), pollingInterval: 250 }) as PublicClient;
  const wallet = createWalletClient({ chain, transport: http(c.rpcUrl), account });
  return { chain, publicClient, wallet, account };
}

/** Makes sure the RPC node answers and serves the expected chain id. */
export async function checkChain(publicClient: PublicClient, c: L2Config): Promise<void> {
  let id: number;
  try {
    id = await publicClient.getChainId();
  } catch {
    throw new CliError(`the RPC node of chain ${c.chainId} at ${c.rpcUrl} does not answer`);
  }
  if (BigInt(id) !== c.chainId) throw new CliError(`the RPC node at ${c.rpcUrl} serves chain ${id}, not ${c.chainId}`);
}
