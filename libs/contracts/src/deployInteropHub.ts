import type { Address } from 'viem';
import { interopHubAbi, interopHubBytecode } from './generated/InteropHub';
import { deployContract } from './deployContract';
import { ensurePoseidonLibraries } from './ensurePoseidonLibraries';
import type { DeployClients } from './types';

export type DeployInteropHubParameters = {
  /** The aggregation circuit's Groth16 verifier (snarkjs-generated, e.g. AggregationVerifierTest). */
  verifier: Address;
  /** SHARED_DEPTH of the circuit (test instance: 2, production: 10). */
  sharedDepth: number;
  /** K of the circuit (updates per proof). */
  k: number;
  /** Gets DEFAULT_ADMIN_ROLE, CHAIN_MANAGER_ROLE and SUBMITTER_ROLE; default: the deployer. */
  admin?: Address;
};

export type DeployInteropHubReturnType = { address: Address; gasUsed: bigint };

/**
 * Deploys the L1 InteropHub (after making sure the Poseidon libraries exist).
 * @example const hub = await deployInteropHub({ walletClient, publicClient }, { verifier, sharedDepth: 2, k: 2 });
 */
export async function deployInteropHub(
  clients: DeployClients,
  { verifier, sharedDepth, k, admin }: DeployInteropHubParameters,
): Promise<DeployInteropHubReturnType> {
  await ensurePoseidonLibraries(clients);
  const { address, gasUsed } = await deployContract(clients, {
    abi: interopHubAbi,
    bytecode: interopHubBytecode,
    args: [admin ?? clients.walletClient.account.address, verifier, sharedDepth, k],
    name: 'InteropHub',
  });
  return { address, gasUsed };
}
