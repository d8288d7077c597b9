import { getAddress, type Abi, type Address, type ContractConstructorArgs, type Hex } from 'viem';
import { DeploymentFailedError } from './errors';
import type { DeployClients } from './types';

export type DeployContractParameters<TAbi extends Abi> = {
  abi: TAbi;
  bytecode: Hex;
  args: ContractConstructorArgs<TAbi>;
  /** Name used in errors. */
  name: string;
};

export type DeployContractReturnType = { address: Address; gasUsed: bigint; txHash: Hex };

/**
 * Deploys one contract and waits for it to be mined.
 * @example const { address } = await deployContract(clients, { abi: testTokenAbi, bytecode, args: ['A', 'A'], name: 'TestToken' });
 */
export async function deployContract<const TAbi extends Abi>(
  { walletClient, publicClient }: DeployClients,
  { abi, bytecode, args, name }: DeployContractParameters<TAbi>,
): Promise<DeployContractReturnType> {
  const txHash = await walletClient.deployContract({
    abi,
    bytecode,
    args,
    account: walletClient.account,
    chain: walletClient.chain,
  } as unknown as Parameters<typeof walletClient.deployContract>[0]);
  const receipt = await publicClient.waitForTransactionReceipt({ hash: txHash });
  if (receipt.status !== 'success' || !receipt.contractAddress) throw new DeploymentFailedError(name, txHash);
  return { address: getAddress(receipt.contractAddress), gasUsed: receipt.gasUsed, txHash };
}
