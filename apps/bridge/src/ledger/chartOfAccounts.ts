/** Ledger account types (matches `enum LedgerAccountType` in prisma/schema.prisma). */
export type AccountType = 'asset' | 'liability' | 'revenue' | 'expense' | 'equity';

/** One account of the bridge's chart (docs/bridge.md "Chart of accounts"). Codes are `<type>:<name>:<chainId>`. */
export type AccountDef = { code: string; name: string; type: AccountType };

/** The currency of a chain's native coin in postings: `native:<chainId>` (all fees and gas are native wei). */
export function nativeCurrency(chainId: bigint): string {
  return `native:${chainId}`;
}

/**
 * The bridge's chart of accounts, per chain (every account holds one chain's native coin):
 * fees held by the source InteropCenter, fees not yet earned (delivery owed), the relayer's wallet and gas expense on
 * the destination, the gas recovered from fees for the relayer, and the three revenue allocations.
 */
export const accounts = {
  feesHeld: (chainId: bigint): AccountDef => ({
    code: `asset:fees-held:${chainId}`,
    name: `interop fees held by InteropCenter on chain ${chainId}`,
    type: 'asset',
  }),
  feesUnearned: (chainId: bigint): AccountDef => ({
    code: `liability:fees-unearned:${chainId}`,
    name: `fees of chain ${chainId} for messages not yet delivered`,
    type: 'liability',
  }),
  relayerWallet: (chainId: bigint): AccountDef => ({
    code: `asset:relayer-wallet:${chainId}`,
    name: `relayer balance on chain ${chainId}`,
    type: 'asset',
  }),
  relayerGas: (chainId: bigint): AccountDef => ({
    code: `expense:relayer-gas:${chainId}`,
    name: `gas paid by the relayer on chain ${chainId}`,
    type: 'expense',
  }),
  gasRecovery: (chainId: bigint): AccountDef => ({
    code: `liability:relayer-gas-recovery:${chainId}`,
    name: `fees of chain ${chainId} owed to the relayer for destination gas`,
    type: 'liability',
  }),
  burn: (chainId: bigint): AccountDef => ({
    code: `liability:burn:${chainId}`,
    name: `net fee revenue of chain ${chainId} to burn`,
    type: 'liability',
  }),
  staking: (chainId: bigint): AccountDef => ({
    code: `liability:staking-rewards:${chainId}`,
    name: `net fee revenue of chain ${chainId} for staking rewards`,
    type: 'liability',
  }),
  treasury: (chainId: bigint): AccountDef => ({
    code: `liability:treasury:${chainId}`,
    name: `net fee revenue of chain ${chainId} for the treasury`,
    type: 'liability',
  }),
} as const;
