import type { Address } from 'viem';
import { interopCenterAbi, interopCenterBytecode } from './generated/InteropCenter';
import { interopHandlerAbi, interopHandlerBytecode } from './generated/InteropHandler';
import { nativeTokenVaultAbi, nativeTokenVaultBytecode } from './generated/NativeTokenVault';
import { deployContract } from './deployContract';
import { ensurePoseidonLibraries } from './ensurePoseidonLibraries';
import { sendAndConfirm } from './sendAndConfirm';
import type { DeployClients } from './types';

export type DeployL2StackParameters = {
  /** BATCH_DEPTH, CHAIN_DEPTH, SHARED_DEPTH of the network (every running network: 16, 20, 10). */
  batchDepth: number;
  chainDepth: number;
  sharedDepth: number;
};

export type DeployL2StackReturnType = {
  center: Address;
  handler: Address;
  vault: Address;
  /** Gas of each deployment and of the wiring transactions. */
  gasUsed: { center: bigint; handler: bigint; vault: bigint; wiring: bigint };
};

/**
 * Deploys one L2's InteropCenter, InteropHandler and NativeTokenVault and wires them: the handler learns the
 * vault, the vault gets the center's VAULT_ROLE. The deployer holds every admin role of the center and the
 * handler (FEE_ADMIN, ROUTE_ADMIN, POLICY_ADMIN, TREASURY; OPERATOR, POLICY_ADMIN) and can grant them on.
 * @example const l2 = await deployL2Stack({ walletClient, publicClient }, { batchDepth: 16, chainDepth: 20, sharedDepth: 10 });
 */
export async function deployL2Stack(
  clients: DeployClients,
  { batchDepth, chainDepth, sharedDepth }: DeployL2StackParameters,
): Promise<DeployL2StackReturnType> {
  const { walletClient, publicClient } = clients;
  const admin = walletClient.account.address;
  await ensurePoseidonLibraries(clients);
  const center = await deployContract(clients, {
    abi: interopCenterAbi,
    bytecode: interopCenterBytecode,
    args: [admin],
    name: 'InteropCenter',
  });
  const handler = await deployContract(clients, {
    abi: interopHandlerAbi,
    bytecode: interopHandlerBytecode,
    args: [admin, batchDepth, chainDepth, sharedDepth],
    name: 'InteropHandler',
  });
  const vault = await deployContract(clients, {
    abi: nativeTokenVaultAbi,
    bytecode: nativeTokenVaultBytecode,
    args: [center.address, handler.address],
    name: 'NativeTokenVault',
  });
  const vaultRole = await publicClient.readContract({
    address: center.address,
    abi: interopCenterAbi,
    functionName: 'VAULT_ROLE',
  });
  const grant = await sendAndConfirm(
    publicClient,
    await walletClient.writeContract({
      address: center.address,
      abi: interopCenterAbi,
      functionName: 'grantRole',
      args: [vaultRole, vault.address],
      account: walletClient.account,
      chain: walletClient.chain,
    }),
    'InteropCenter.grantRole(VAULT_ROLE)',
  );
  const setVault = await sendAndConfirm(
    publicClient,
    await walletClient.writeContract({
      address: handler.address,
      abi: interopHandlerAbi,
      functionName: 'setVault',
      args: [vault.address],
      account: walletClient.account,
      chain: walletClient.chain,
    }),
    'InteropHandler.setVault',
  );
  return {
    center: center.address,
    handler: handler.address,
    vault: vault.address,
    gasUsed: {
      center: center.gasUsed,
      handler: handler.gasUsed,
      vault: vault.gasUsed,
      wiring: grant.gasUsed + setVault.gasUsed,
    },
  };
}
