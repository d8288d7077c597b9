import type { Account, Chain, PublicClient, Transport, WalletClient } from 'viem';

/** A wallet client with an account attached (the deployer). */
export type DeployerWalletClient = WalletClient<Transport, Chain | undefined, Account>;

/** What every deploy helper needs. */
export type DeployClients = {
  walletClient: DeployerWalletClient;
  publicClient: PublicClient;
};
