import { BaseError, ContractFunctionRevertedError } from 'viem';

/**
 * Awaits `action` and asserts that it reverted with the custom error `errorName` (decoded by viem from the ABI
 * the call used). Returns the decoded error arguments.
 */
export async function expectRevert(action: Promise<unknown>, errorName: string): Promise<readonly unknown[]> {
  let error: unknown;
  try {
    await action;
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`expected a revert with ${errorName}, but the call succeeded`);
  if (!(error instanceof BaseError)) throw error instanceof Error ? error : new Error('non-error thrown');
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError)) {
    throw new Error(`expected a revert with ${errorName}, got: ${error.shortMessage}`);
  }
  const name = reverted.data?.errorName;
  if (name !== errorName) throw new Error(`expected a revert with ${errorName}, got ${name ?? reverted.shortMessage}`);
  return reverted.data?.args ?? [];
}
