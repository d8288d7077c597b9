/**
 * Devnet step (before the apps): deploys each L2's InteropCenter, InteropHandler and NativeTokenVault with the depths
 * of the hub's circuit instance (CIRCUIT_INSTANCE, default test: circuits/instances/<name>.json), gives the chain's
 * operator the handler's OPERATOR_ROLE (the chain app imports L1 roots with it), opens the routes between the L2s
 * (fee parameters), and appends to $DEVNET_ENV_FILE, per chain id N:
 *
 *   CHAIN_N_INTEROP_CENTER_ADDRESS, CHAIN_N_INTEROP_HANDLER_ADDRESS, CHAIN_N_NATIVE_TOKEN_VAULT_ADDRESS,
 *   CHAIN_N_OPERATOR_PRIVATE_KEY, CHAIN_N_OPERATOR_ADDRESS, CHAIN_N_START_BLOCK
 *
 * which scripts/devnet.sh maps onto each chain app's INTEROP_CENTER_ADDRESS, INTEROP_HANDLER_ADDRESS,
 * OPERATOR_PRIVATE_KEY and START_BLOCK. Operators are anvil's well-known accounts 1, 2, ... (devnet only).
 * Env: L2_RPC_URLS (901=url,902=url), DEVNET_ENV_FILE, CIRCUIT_INSTANCE.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { deployL2Stack, interopCenterAbi, interopHandlerAbi } from '@interop/contracts';
import { envSchemas } from '@interop/infra';
import { BATCH_DEPTH } from '@interop/protocol';
import { createPublicClient, createWalletClient, defineChain, http, type Hex, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { z } from 'zod';

// anvil's default mnemonic ("test test ... junk"), accounts 0-2: 0 deploys, 1 and 2 operate the first two L2s.
const DEPLOYER_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const OPERATOR_KEYS: Hex[] = [
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
];
/** Devnet fee parameters of every route: SPEC "Interop fee" (wei). */
const FEE_PARAMS = { baseFee: 10_000n, perByteFee: 16n, dstGasPrice: 1_000_000_000n, exchangeRateE18: 10n ** 18n };

const env = z
  .object({
    L2_RPC_URLS: envSchemas.chainRpcUrls,
    DEVNET_ENV_FILE: z.string().min(1),
    CIRCUIT_INSTANCE: z.enum(['test', 'prod']).default('test'),
  })
  .parse(process.env);

const instance = z
  .object({ chainDepth: z.number().int().positive(), sharedDepth: z.number().int().positive() })
  .parse(
    JSON.parse(
      readFileSync(join(__dirname, '..', '..', '..', 'circuits', 'instances', `${env.CIRCUIT_INSTANCE}.json`), 'utf8'),
    ),
  );

async function main(): Promise<void> {
  const chains = [...env.L2_RPC_URLS.entries()];
  if (chains.length > OPERATOR_KEYS.length) throw new Error(`at most ${OPERATOR_KEYS.length} L2s on the devnet`);
  const lines: string[] = [];
  const bridgeChains: { chainId: string; rpcUrl: string; interopCenter: Hex; interopHandler: Hex; nativeTokenVault: Hex }[] =
    [];
  for (const [index, [chainId, rpcUrl]] of chains.entries()) {
    const chain = defineChain({
      id: Number(chainId),
      name: `l2-${chainId}`,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
    });
    const publicClient = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 100 }) as PublicClient;
    const walletClient = createWalletClient({
      chain,
      transport: http(rpcUrl),
      account: privateKeyToAccount(DEPLOYER_KEY),
    });
    const stack = await deployL2Stack(
      { walletClient, publicClient },
      { batchDepth: BATCH_DEPTH, chainDepth: instance.chainDepth, sharedDepth: instance.sharedDepth },
    );
    const operatorKey = OPERATOR_KEYS[index]!;
    const operator = privateKeyToAccount(operatorKey).address;
    const send = async (hash: Hex, what: string) => {
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new Error(`${what} reverted on chain ${chainId} (${hash})`);
    };
    const role = await publicClient.readContract({
      address: stack.handler,
      abi: interopHandlerAbi,
      functionName: 'OPERATOR_ROLE',
    });
    await send(
      await walletClient.writeContract({
        address: stack.handler,
        abi: interopHandlerAbi,
        functionName: 'grantRole',
        args: [role, operator],
      }),
      'InteropHandler.grantRole(OPERATOR_ROLE)',
    );
    for (const [dst] of chains) {
      if (dst === chainId) continue;
      await send(
        await walletClient.writeContract({
          address: stack.center,
          abi: interopCenterAbi,
          functionName: 'setFeeParams',
          args: [dst, FEE_PARAMS],
        }),
        `InteropCenter.setFeeParams(${dst})`,
      );
    }
    const startBlock = await publicClient.getBlockNumber();
    const p = `CHAIN_${chainId}_`;
    lines.push(
      `${p}INTEROP_CENTER_ADDRESS=${stack.center}`,
      `${p}INTEROP_HANDLER_ADDRESS=${stack.handler}`,
      `${p}NATIVE_TOKEN_VAULT_ADDRESS=${stack.vault}`,
      `${p}OPERATOR_PRIVATE_KEY=${operatorKey}`,
      `${p}OPERATOR_ADDRESS=${operator}`,
      `${p}START_BLOCK=${startBlock}`,
    );
    bridgeChains.push({
      chainId: String(chainId),
      rpcUrl,
      interopCenter: stack.center,
      interopHandler: stack.handler,
      nativeTokenVault: stack.vault,
    });
    process.stderr.write(
      `[20-deploy-l2] chain ${chainId}: center ${stack.center}, handler ${stack.handler}, vault ${stack.vault}, operator ${operator}\n`,
    );
  }
  // The bridge's view of every L2 (single-quoted: the env file is sourced by the devnet script).
  lines.push(`CHAINS_JSON='${JSON.stringify(bridgeChains)}'`);
  appendFileSync(env.DEVNET_ENV_FILE, `${lines.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`[20-deploy-l2] failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  process.exit(1);
});
