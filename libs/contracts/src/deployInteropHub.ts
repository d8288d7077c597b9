import type { Address } from 'viem';
import { interopHubAbi, interopHubBytecode } from './generated/InteropHub';
import { deployContract } from './deployContract';
import { ensurePoseidonLibraries } from './ensurePoseidonLibraries';
import { sendAndConfirm } from './sendAndConfirm';
import type { DeployClients } from './types';

/** An epoch shape to activate on L1 (SPEC "Epoch shape"): `groups` groups of `groupSize` batches. */
export type HubShape = {
  groups: number;
  groupSize: number;
  /** The shape's Groth16 verifier (e.g. from deployAggregationVerifier, or a test verifier). */
  verifier: Address;
};

export type DeployInteropHubParameters = {
  /** SHARED_DEPTH of the network (production: 10). */
  sharedDepth: number;
  /** CHAIN_DEPTH of the network (production: 20). */
  chainDepth: number;
  /** Gets DEFAULT_ADMIN_ROLE, CHAIN_MANAGER_ROLE, SUBMITTER_ROLE and SHAPE_ADMIN_ROLE; default: the deployer. */
  admin?: Address;
  /**
   * Shapes added right after deployment (`addShape`, in order). Needs the deployer to hold SHAPE_ADMIN_ROLE, i.e.
   * `admin` left to the deployer.
   */
  shapes?: readonly HubShape[];
};

export type DeployInteropHubReturnType = {
  address: Address;
  /** Deployment gas. */
  gasUsed: bigint;
  /** The L1 id of each added shape (`groups * 2^16 + groupSize`), in the order given. */
  shapeIds: number[];
  /** Gas of the `addShape` transactions. */
  shapesGasUsed: bigint;
};

/**
 * Deploys the L1 InteropHub (after making sure the Poseidon libraries exist) and adds the given epoch shapes.
 * @example
 * const hub = await deployInteropHub(clients, {
 *   sharedDepth: 10,
 *   chainDepth: 20,
 *   shapes: [{ groups: 2, groupSize: 2, verifier: s4Verifier }],
 * });
 */
export async function deployInteropHub(
  clients: DeployClients,
  { sharedDepth, chainDepth, admin, shapes = [] }: DeployInteropHubParameters,
): Promise<DeployInteropHubReturnType> {
  const { walletClient, publicClient } = clients;
  await ensurePoseidonLibraries(clients);
  const { address, gasUsed } = await deployContract(clients, {
    abi: interopHubAbi,
    bytecode: interopHubBytecode,
    args: [admin ?? walletClient.account.address, sharedDepth, chainDepth],
    name: 'InteropHub',
  });
  const shapeIds: number[] = [];
  let shapesGasUsed = 0n;
  for (const shape of shapes) {
    const receipt = await sendAndConfirm(
      publicClient,
      await walletClient.writeContract({
        address,
        abi: interopHubAbi,
        functionName: 'addShape',
        args: [shape.groups, shape.groupSize, shape.verifier],
        account: walletClient.account,
        chain: walletClient.chain,
      }),
      `InteropHub.addShape(${shape.groups}, ${shape.groupSize})`,
    );
    shapesGasUsed += receipt.gasUsed;
    shapeIds.push(shape.groups * 2 ** 16 + shape.groupSize);
  }
  return { address, gasUsed, shapeIds, shapesGasUsed };
}
