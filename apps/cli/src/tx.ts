import {
  BaseError,
  ContractFunctionRevertedError,
  type Abi,
  type Address,
  type Hex,
  type PrivateKeyAccount,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
} from 'viem';

import { CliError } from './errors';
import type { Progress } from './progress';

/** Why a call reverted, in one line (the custom error with its arguments when the ABI knows it). */
export function revertReason(e: unknown): string {
  if (e instanceof BaseError) {
    const reverted = e.walk((x) => x instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      const name = reverted.data?.errorName;
      if (name) return `${name}(${(reverted.data?.args ?? []).map((a) => String(a)).join(', ')})`;
      return reverted.reason ?? reverted.shortMessage;
    }
    return e.shortMessage;
  }
  return e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e);
}

/**
 * Simulates a contract call (so a revert is reported with its reason before anything is sent), sends it, and waits
 * for the receipt with progress.
 */
export async function sendContractTx(
  clients: { publicClient: PublicClient; wallet: WalletClient; account: PrivateKeyAccount },
  call: { address: Address; abi: Abi; functionName: string; args: readonly unknown[]; value?: bigint },
  what: string,
  progress: Progress,
): Promise<{ hash: Hex; receipt: TransactionReceipt }> {
  progress.update(`${what}: sending`);
  let request: unknown;
  try {
    ({ request } = await clients.publicClient.simulateContract({
      address: call.address,
      abi: call.abi,
      functionName: call.functionName,
      args: call.args,
      account: clients.account,
      ...(call.value !== undefined ? { value: call.value } : {}),
    } as never));
  } catch (e) {
    progress.done();
    throw new CliError(`${what} would revert: ${revertReason(e)}`);
  }
  let hash: Hex;
  try {
    hash = await clients.wallet.writeContract(request as never);
  } catch (e) {
    progress.done();
    throw new CliError(`${what} was refused: ${revertReason(e)}`);
  }
  progress.update(`${what}: waiting for ${hash.slice(0, 10)}... to be mined`);
  const receipt = await clients.publicClient.waitForTransactionReceipt({ hash, timeout: 120_000 });
  if (receipt.status !== 'success') {
    progress.done();
    throw new CliError(`${what} reverted (transaction ${hash})`);
  }
  return { hash, receipt };
}
