import type { Hash, PublicClient, TransactionReceipt } from 'viem';
import { DeploymentFailedError } from './errors';

/**
 * Waits for `hash` and throws a DeploymentFailedError if it reverted.
 * @example const receipt = await sendAndConfirm(publicClient, await walletClient.writeContract(...), 'setVault');
 */
export async function sendAndConfirm(
  publicClient: PublicClient,
  hash: Hash,
  what: string,
): Promise<TransactionReceipt> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new DeploymentFailedError(what, hash);
  return receipt;
}
