import {
  deployAggregationVerifier,
  deployInteropHub,
  deployL2Stack,
  interopCenterAbi,
  interopHandlerAbi,
} from '@interop/contracts';
import { PRODUCTION_DEPTHS } from '@interop/protocol';
import { loadShapes } from '@interop/prover';
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Abi,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { fixtureArtifacts } from '@interop/contract-fixtures';

/**
 * Devnet fee parameters of every route (SPEC "Interop fee", wei). The base fee pays the destination's inclusion-proof
 * check, which the message's gas limit does not cover: at production depths (chain 20, shared 10) the first message
 * of a batch costs ~850,000 gas on the destination and later ones ~110,000 (bench/gas `executeMessage`), so 0.001
 * ETH (1,000,000 gas at the 1 gwei `dstGasPrice`) leaves the relayer a net to split into burn, staking and treasury.
 */
export const DEVNET_FEE_PARAMS = {
  baseFee: 1_000_000_000_000_000n,
  perByteFee: 16n,
  dstGasPrice: 1_000_000_000n,
  exchangeRateE18: 10n ** 18n,
} as const;

export function devnetChain(id: number | bigint, rpcUrl: string, name = `chain-${id}`): Chain {
  return defineChain({
    id: Number(id),
    name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

export function clientsFor(chainId: number | bigint, rpcUrl: string, key: Hex) {
  const chain = devnetChain(chainId, rpcUrl);
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 100 }) as PublicClient;
  const walletClient = createWalletClient({ chain, transport: http(rpcUrl), account: privateKeyToAccount(key) });
  return { publicClient, walletClient };
}

/** Sends a contract write and waits for a successful receipt; a revert throws naming `what`. */
export async function writeAndWait(
  clients: ReturnType<typeof clientsFor>,
  request: { address: Address; abi: Abi; functionName: string; args?: readonly unknown[]; value?: bigint },
  what: string,
): Promise<Hex> {
  const hash = await clients.walletClient.writeContract(request as never);
  const receipt = await clients.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`${what} reverted (${hash})`);
  return hash;
}

/**
 * Deploys the L1 InteropHub at the production depths with the Groth16 verifier of every epoch shape of
 * circuits/shapes registered (the shapes the devnet's hub proves with). The deployer holds every InteropHub role.
 */
export async function deployL1(
  rpcUrl: string,
  chainId: number,
  deployerKey: Hex,
): Promise<{ hub: Address; verifiers: Record<string, Address> }> {
  const clients = clientsFor(chainId, rpcUrl, deployerKey);
  const verifiers: Record<string, Address> = {};
  const shapes = [];
  for (const s of loadShapes()) {
    const { address } = await deployAggregationVerifier(clients, s.name);
    verifiers[s.name] = address;
    shapes.push({ groups: s.groups, groupSize: s.groupSize, verifier: address });
  }
  const hub = await deployInteropHub(clients, {
    sharedDepth: PRODUCTION_DEPTHS.sharedDepth,
    chainDepth: PRODUCTION_DEPTHS.chainDepth,
    shapes,
  });
  return { hub: hub.address, verifiers };
}

export type L2Deployment = { center: Address; handler: Address; vault: Address; startBlock: bigint };

/**
 * Deploys one L2's InteropCenter, InteropHandler and NativeTokenVault (production depths), gives the chain's
 * operator the handler's OPERATOR_ROLE (the chain app imports L1 roots with it) and opens a route with the devnet
 * fee parameters to every peer.
 */
export async function deployL2(
  rpcUrl: string,
  chainId: bigint,
  deployerKey: Hex,
  operator: Address,
  peers: readonly bigint[],
): Promise<L2Deployment> {
  const clients = clientsFor(chainId, rpcUrl, deployerKey);
  const stack = await deployL2Stack(clients, PRODUCTION_DEPTHS);
  const role = await clients.publicClient.readContract({
    address: stack.handler,
    abi: interopHandlerAbi,
    functionName: 'OPERATOR_ROLE',
  });
  await writeAndWait(
    clients,
    { address: stack.handler, abi: interopHandlerAbi, functionName: 'grantRole', args: [role, operator] },
    `InteropHandler.grantRole(OPERATOR_ROLE) on ${chainId}`,
  );
  for (const dst of peers) {
    if (dst === chainId) continue;
    await writeAndWait(
      clients,
      { address: stack.center, abi: interopCenterAbi, functionName: 'setFeeParams', args: [dst, DEVNET_FEE_PARAMS] },
      `InteropCenter.setFeeParams(${dst}) on ${chainId}`,
    );
  }
  const startBlock = await clients.publicClient.getBlockNumber();
  return { center: stack.center, handler: stack.handler, vault: stack.vault, startBlock };
}

/**
 * The demo contracts of the devnet: `TestToken` (an ERC-20 anyone can mint: the devnet's faucet) and
 * `CallRecorder` (records the cross-chain call it receives). They are the test fixtures of contracts/test/fixtures,
 * compiled once with solc-js and cached in .cache/contracts.
 */
export function demoArtifact(name: 'TestToken' | 'CallRecorder'): { abi: Abi; bytecode: Hex } {
  const c = fixtureArtifacts().get(name);
  if (!c) throw new Error(`no compiled contract ${name}`);
  return { abi: c.abi as Abi, bytecode: c.bytecode };
}

export async function deployDemo(
  clients: ReturnType<typeof clientsFor>,
  name: 'TestToken' | 'CallRecorder',
  args: readonly unknown[],
): Promise<Address> {
  const { abi, bytecode } = demoArtifact(name);
  const hash = await clients.walletClient.deployContract({ abi, bytecode, args });
  const receipt = await clients.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`deploying ${name} failed (${hash})`);
  return receipt.contractAddress;
}
