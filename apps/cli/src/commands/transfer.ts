import { interopCenterAbi, nativeTokenVaultAbi } from '@interop/contracts';
import { erc20Abi, parseEventLogs, zeroHash, type Address, type Hex, type TransactionReceipt } from 'viem';

import { amountNeedsDecimals, parseAmount } from '../args';
import { toJson, type Context } from '../context';
import { CliError, UsageError } from '../errors';
import { followMessage } from '../follow';
import { formatMessage, type MessageJson } from '../format';
import { checkChain, findL2, l2Clients, loadL2s } from '../l2';
import { requirePrivateKey } from '../settings';
import { revertReason, sendContractTx } from '../tx';

type FollowOptions = { wait: boolean; timeout: number };

/** The message id(s) a transaction sent through the InteropCenter (`MessageSent`). */
export function sentMessageIds(receipt: TransactionReceipt): Hex[] {
  return parseEventLogs({ abi: interopCenterAbi, logs: receipt.logs, eventName: 'MessageSent' }).map(
    (l) => l.args.messageId,
  );
}

async function finish(ctx: Context, id: Hex, srcTx: Hex, opts: FollowOptions): Promise<void> {
  ctx.note(`message ${id} sent (source transaction ${srcTx})`);
  if (!opts.wait) {
    ctx.out(ctx.settings.json ? toJson({ messageId: id, srcTxHash: srcTx, status: 'sent' }) : id);
    return;
  }
  const progress = ctx.progress();
  const m = await followMessage(ctx.bridge, id, progress, { timeoutMs: opts.timeout * 1000 });
  progress.done();
  const full = await ctx.bridge.get<MessageJson>(`/messages/${id}`);
  if (ctx.settings.json) ctx.out(toJson(full));
  else ctx.out(formatMessage(full));
  if (m.status === 'failed') throw new CliError(`message ${id} failed: ${m.lastError ?? 'see the timeline'}`);
}

/**
 * `interop bridge <asset> <amount> --from --to`: approves the source NativeTokenVault (native tokens only; bridged
 * tokens are burned), pays the quoted fee and calls `bridge`, then follows the message until it is executed.
 */
export async function bridgeCommand(
  ctx: Context,
  asset: Address,
  amountText: string,
  opts: { from: bigint; to: bigint; recipient?: Address; key?: Hex } & FollowOptions,
): Promise<void> {
  if (opts.from === opts.to) throw new UsageError('--from and --to must be different chains');
  const key = requirePrivateKey(ctx.settings, opts.key);
  const l2s = await loadL2s(ctx.settings.chainsJson, ctx.bridge);
  const src = findL2(l2s, opts.from, 'source');
  findL2(l2s, opts.to, 'destination');
  const clients = l2Clients(src, key);
  await checkChain(clients.publicClient, src);
  const { publicClient, account } = clients;
  const recipient = opts.recipient ?? account.address;

  const code = await publicClient.getCode({ address: asset });
  if (!code || code === '0x') throw new UsageError(`${asset} is not a contract on chain ${src.chainId}`);
  let decimals: number | undefined;
  if (amountNeedsDecimals(amountText)) {
    try {
      decimals = await publicClient.readContract({ address: asset, abi: erc20Abi, functionName: 'decimals' });
    } catch {
      throw new UsageError(`${asset} has no decimals(): give the amount in base units`);
    }
  }
  let amount: bigint;
  try {
    amount = parseAmount(amountText, decimals);
  } catch (e) {
    throw new UsageError(`amount ${amountText}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const balance = await publicClient
    .readContract({ address: asset, abi: erc20Abi, functionName: 'balanceOf', args: [account.address] })
    .catch((e: unknown) => {
      throw new CliError(`${asset} is not an ERC-20 token on chain ${src.chainId}: ${revertReason(e)}`);
    });
  if (balance < amount) {
    throw new CliError(`${account.address} holds ${balance} of ${asset} on chain ${src.chainId}, less than ${amount}`);
  }
  const bridgedAsset = await publicClient.readContract({
    address: src.nativeTokenVault,
    abi: nativeTokenVaultAbi,
    functionName: 'bridgedAssetOf',
    args: [asset],
  });
  const progress = ctx.progress();
  try {
    if (bridgedAsset === zeroHash) {
      const allowance = await publicClient.readContract({
        address: asset,
        abi: erc20Abi,
        functionName: 'allowance',
        args: [account.address, src.nativeTokenVault],
      });
      if (allowance < amount) {
        await sendContractTx(
          clients,
          { address: asset, abi: erc20Abi, functionName: 'approve', args: [src.nativeTokenVault, amount] },
          `approve ${amount} for the vault`,
          progress,
        );
      }
    }
    const fee = await publicClient
      .readContract({
        address: src.nativeTokenVault,
        abi: nativeTokenVaultAbi,
        functionName: 'quoteBridgeFee',
        args: [asset, opts.to],
      })
      .catch((e: unknown) => {
        throw new CliError(`no fee quote for ${src.chainId} -> ${opts.to}: ${revertReason(e)}`);
      });
    const { hash, receipt } = await sendContractTx(
      clients,
      {
        address: src.nativeTokenVault,
        abi: nativeTokenVaultAbi,
        functionName: 'bridge',
        args: [asset, amount, opts.to, recipient],
        value: fee,
      },
      `bridge ${amount} ${src.chainId} -> ${opts.to} (fee ${fee} wei)`,
      progress,
    );
    progress.done();
    const [id] = sentMessageIds(receipt);
    if (!id) throw new CliError(`transaction ${hash} sent no interop message`);
    await finish(ctx, id, hash, opts);
  } finally {
    progress.done();
  }
}

/** `interop send --from --to --payload [--target]`: InteropCenter.sendMessage with the quoted fee, then follows it. */
export async function sendCommand(
  ctx: Context,
  opts: { from: bigint; to: bigint; payload: Hex; target?: Address; gasLimit: bigint; key?: Hex } & FollowOptions,
): Promise<void> {
  if (opts.from === opts.to) throw new UsageError('--from and --to must be different chains');
  const key = requirePrivateKey(ctx.settings, opts.key);
  const l2s = await loadL2s(ctx.settings.chainsJson, ctx.bridge);
  const src = findL2(l2s, opts.from, 'source');
  findL2(l2s, opts.to, 'destination');
  const clients = l2Clients(src, key);
  await checkChain(clients.publicClient, src);
  const target = opts.target ?? clients.account.address;
  const payloadLength = BigInt((opts.payload.length - 2) / 2);
  const fee = await clients.publicClient
    .readContract({
      address: src.interopCenter,
      abi: interopCenterAbi,
      functionName: 'quoteFee',
      args: [opts.to, payloadLength, opts.gasLimit],
    })
    .catch((e: unknown) => {
      throw new CliError(`no fee quote for ${src.chainId} -> ${opts.to}: ${revertReason(e)}`);
    });
  const progress = ctx.progress();
  try {
    const { hash, receipt } = await sendContractTx(
      clients,
      {
        address: src.interopCenter,
        abi: interopCenterAbi,
        functionName: 'sendMessage',
        args: [opts.to, target, opts.payload, opts.gasLimit],
        value: fee,
      },
      `send ${payloadLength} bytes ${src.chainId} -> ${opts.to} (fee ${fee} wei)`,
      progress,
    );
    progress.done();
    const [id] = sentMessageIds(receipt);
    if (!id) throw new CliError(`transaction ${hash} sent no interop message`);
    await finish(ctx, id, hash, opts);
  } finally {
    progress.done();
  }
}
