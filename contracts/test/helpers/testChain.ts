import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Account,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ANVIL_PRIVATE_KEYS, startAnvil, type AnvilInstance } from '../../../libs/infra/src/testing/anvil';

export type TestWallet = WalletClient<Transport, Chain, Account>;

export type TestChain = {
  chainId: bigint;
  anvil: AnvilInstance;
  chain: Chain;
  publicClient: PublicClient;
  /** wallets[i] signs with ANVIL_PRIVATE_KEYS[i]; wallets[0] deploys and administers. */
  wallets: TestWallet[];
  stop: () => Promise<void>;
};

/** A fresh anvil (one per test file) with viem clients for the 10 default accounts. */
export async function startTestChain(chainId: number): Promise<TestChain> {
  const anvil = await startAnvil({ chainId });
  const chain = defineChain({
    id: chainId,
    name: `anvil-${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [anvil.rpcUrl] } },
  });
  const transport = http(anvil.rpcUrl);
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient;
  const wallets = ANVIL_PRIVATE_KEYS.map((key) =>
    createWalletClient({ account: privateKeyToAccount(key), chain, transport }),
  ) as TestWallet[];
  return { chainId: BigInt(chainId), anvil, chain, publicClient, wallets, stop: () => anvil.stop() };
}
