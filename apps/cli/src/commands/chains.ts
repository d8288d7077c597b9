import { interopHubDomain, signChainRegistration } from '@interop/protocol';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { ApiError } from '../api';
import { toJson, type Context } from '../context';
import { UsageError } from '../errors';
import { formatChains, type ChainJson } from '../format';
import { requireAdminToken, requirePrivateKey } from '../settings';

export async function chainsList(ctx: Context): Promise<void> {
  const chains = await ctx.hub.get<ChainJson[]>('/chains');
  ctx.out(ctx.settings.json ? toJson(chains) : formatChains(chains));
}

/**
 * Registers a chain: signs the EIP-712 `ChainRegistration` with the operator key and posts it to the hub; with
 * --approve (admin token) also approves it, which registers it on L1 and waits for the receipt.
 */
export async function chainsRegister(
  ctx: Context,
  opts: { chainId: bigint; name: string; key?: Hex; approve?: boolean },
): Promise<void> {
  const key = requirePrivateKey(ctx.settings, opts.key);
  if (opts.approve) requireAdminToken(ctx.settings);
  const hubAddress = ctx.settings.l1HubAddress;
  if (hubAddress === undefined) {
    throw new UsageError('registration is signed for the L1 InteropHub: set INTEROP_L1_HUB_ADDRESS or L1_HUB_ADDRESS');
  }
  const name = opts.name.trim();
  if (name === '' || name.length > 64) throw new UsageError('--name must be 1-64 characters');
  const operator = privateKeyToAccount(key).address;
  const domain = interopHubDomain(ctx.settings.l1ChainId, hubAddress);
  const signature = await signChainRegistration(key, domain, { chainId: opts.chainId, name, operator });
  let chain: ChainJson;
  try {
    chain = await ctx.hub.post<ChainJson>('/chains', { chainId: opts.chainId.toString(), name, operator, signature });
    ctx.note(`chain ${chain.chainId} (${chain.name}) registered by operator ${operator}: ${chain.status}`);
  } catch (e) {
    if (!(opts.approve && e instanceof ApiError && e.code === 'CHAIN_DUPLICATE')) throw e;
    chain = await ctx.hub.get<ChainJson>(`/chains/${opts.chainId}`);
    ctx.note(`chain ${chain.chainId} is already registered: ${chain.status}`);
  }
  if (opts.approve && (chain.status === 'pending' || chain.status === 'approving')) {
    chain = await approve(ctx, opts.chainId);
  }
  ctx.out(ctx.settings.json ? toJson(chain) : formatChains([chain]));
}

async function approve(ctx: Context, chainId: bigint): Promise<ChainJson> {
  const progress = ctx.progress();
  progress.update(`approving chain ${chainId}: registering it on L1 and waiting for the receipt`);
  try {
    const chain = await ctx.hub.post<ChainJson>(`/chains/${chainId}/approve`, undefined, true);
    progress.done(`chain ${chainId} approved: ${chain.status}, slot ${chain.slot}, L1 tx ${chain.l1TxHash ?? '-'}`);
    return chain;
  } catch (e) {
    progress.done();
    throw e;
  }
}

export async function chainsApprove(ctx: Context, chainId: bigint): Promise<void> {
  requireAdminToken(ctx.settings);
  const chain = await approve(ctx, chainId);
  ctx.out(ctx.settings.json ? toJson(chain) : formatChains([chain]));
}

/** Pauses or resumes a chain (admin; mirrored on L1). */
export async function chainsSetPaused(ctx: Context, chainId: bigint, action: 'pause' | 'resume'): Promise<void> {
  requireAdminToken(ctx.settings);
  const progress = ctx.progress();
  progress.update(`${action === 'pause' ? 'pausing' : 'resuming'} chain ${chainId} (hub and L1)`);
  try {
    const chain = await ctx.hub.post<ChainJson>(`/chains/${chainId}/${action}`, undefined, true);
    progress.done();
    ctx.out(ctx.settings.json ? toJson(chain) : formatChains([chain]));
  } catch (e) {
    progress.done();
    throw e;
  }
}
