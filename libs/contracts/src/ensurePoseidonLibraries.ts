import type { Address, Hex } from 'viem';
import { deterministicDeploymentProxy, poseidonLibraries } from './generated/poseidonLibraries';
import { DeploymentFailedError } from './errors';
import type { DeployClients } from './types';

export type EnsurePoseidonLibrariesReturnType = {
  /** Library name -> address (always the deterministic one). */
  addresses: Record<keyof typeof poseidonLibraries, Address>;
  /** Gas spent here (0 when everything was already deployed). */
  gasUsed: bigint;
};

/**
 * Makes sure PoseidonT3/T4 exist at the deterministic addresses the contracts are linked to (same on every
 * EVM chain): deploys Arachnid's CREATE2 proxy with its keyless transaction if missing (anvil ships it), then each
 * library through it. Idempotent. Call before deploying InteropHub, InteropHandler or any harness.
 * @example await ensurePoseidonLibraries({ walletClient, publicClient });
 */
export async function ensurePoseidonLibraries({
  walletClient,
  publicClient,
}: DeployClients): Promise<EnsurePoseidonLibrariesReturnType> {
  let gasUsed = 0n;
  const proxy = deterministicDeploymentProxy;
  if (!(await hasCode(publicClient, proxy.address))) {
    const fund = await walletClient.sendTransaction({
      to: proxy.from,
      value: BigInt(proxy.gas),
      account: walletClient.account,
      chain: walletClient.chain,
    });
    await publicClient.waitForTransactionReceipt({ hash: fund });
    const hash = await publicClient.sendRawTransaction({ serializedTransaction: proxy.tx });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new DeploymentFailedError('deterministic deployment proxy', hash);
    gasUsed += receipt.gasUsed;
  }
  for (const lib of Object.values(poseidonLibraries)) {
    if (await hasCode(publicClient, lib.address)) continue;
    const hash = await walletClient.sendTransaction({
      to: proxy.address,
      data: lib.data,
      account: walletClient.account,
      chain: walletClient.chain,
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success' || !(await hasCode(publicClient, lib.address))) {
      throw new DeploymentFailedError(`Poseidon library at ${lib.address}`, hash);
    }
    gasUsed += receipt.gasUsed;
  }
  return {
    addresses: {
      PoseidonT3: poseidonLibraries.PoseidonT3.address,
      PoseidonT4: poseidonLibraries.PoseidonT4.address,
    },
    gasUsed,
  };
}

async function hasCode(publicClient: DeployClients['publicClient'], address: Hex): Promise<boolean> {
  const code = await publicClient.getCode({ address });
  return code !== undefined && code !== '0x';
}
