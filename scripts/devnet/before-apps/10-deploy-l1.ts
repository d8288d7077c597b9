/**
 * Devnet step: deploys the L1 InteropHub with the Groth16 verifier of the circuit instance the hub proves with
 * (CIRCUIT_INSTANCE, default test: the instance whose verifier and keys build in seconds), and appends what the hub
 * needs to $DEVNET_ENV_FILE. The deployer (anvil key 0) holds every InteropHub role and is the hub's admin and
 * submitter key on the devnet.
 */
import { appendFileSync } from 'node:fs';

import {
  aggregationVerifierTestAbi,
  aggregationVerifierTestBytecode,
  deployContract,
  deployInteropHub,
} from '@interop/contracts';
import { ANVIL_PRIVATE_KEYS } from '@interop/infra/testing/anvil';
import { ensureTestCircuit } from '@interop/prover/testing/ensureTestCircuit';
import { TEST_K, TEST_SHARED_DEPTH } from '@interop/protocol';
import { createPublicClient, createWalletClient, defineChain, http, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

async function main(): Promise<void> {
  const rpcUrl = required('L1_RPC_URL');
  const chainId = Number(process.env.L1_CHAIN_ID ?? '900');
  const envFile = required('DEVNET_ENV_FILE');
  const instance = process.env.CIRCUIT_INSTANCE ?? 'test';
  if (instance !== 'test') {
    // Only the test instance's verifier is generated as TS (libs/contracts); prod needs its own build first.
    throw new Error(`CIRCUIT_INSTANCE=${instance}: the devnet deploys the test verifier only`);
  }
  await ensureTestCircuit('test');
  const chain = defineChain({
    id: chainId,
    name: 'l1',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const adminKey = ANVIL_PRIVATE_KEYS[0];
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 100 }) as PublicClient;
  const walletClient = createWalletClient({ chain, transport: http(rpcUrl), account: privateKeyToAccount(adminKey) });
  const clients = { walletClient, publicClient };
  const verifier = await deployContract(clients, {
    abi: aggregationVerifierTestAbi,
    bytecode: aggregationVerifierTestBytecode,
    args: [],
    name: 'AggregationVerifierTest',
  });
  const hub = await deployInteropHub(clients, {
    verifier: verifier.address,
    sharedDepth: TEST_SHARED_DEPTH,
    k: TEST_K,
  });
  const lines = [
    `L1_HUB_ADDRESS=${hub.address}`,
    `L1_VERIFIER_ADDRESS=${verifier.address}`,
    `L1_ADMIN_PRIVATE_KEY=${adminKey}`,
    `L1_SUBMITTER_PRIVATE_KEY=${adminKey}`,
    `ADMIN_TOKEN=${process.env.ADMIN_TOKEN ?? 'devnet-admin-token-change-me'}`,
    'CIRCUIT_INSTANCE=test',
    `EPOCH_INTERVAL_MS=${process.env.EPOCH_INTERVAL_MS ?? '2000'}`,
    'KAFKA_FAST=true',
  ];
  appendFileSync(envFile, lines.join('\n') + '\n');
  process.stdout.write(`InteropHub ${hub.address} (verifier ${verifier.address}) on L1 ${chainId}\n`);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

main().catch((e: unknown) => {
  process.stderr.write(`10-deploy-l1 failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
