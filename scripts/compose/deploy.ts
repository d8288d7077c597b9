/**
 * The docker-compose `deploy` and `register` services (docker-compose.yml), run with tsx:
 *
 *   tsx scripts/compose/deploy.ts deploy     deploy the contracts as `npm run devnet` does, write DEPLOY_ENV_FILE
 *   tsx scripts/compose/deploy.ts register   register and approve every L2 with the hub (POST /chains, /approve)
 *
 * `deploy` waits for every RPC, then deploys the L1 InteropHub with the verifier of every circuits/shapes epoch
 * shape (libs/devnet deployL1) and on each L2 the InteropCenter, InteropHandler and NativeTokenVault with the
 * operator's OPERATOR_ROLE and a fee route to every other L2 (libs/devnet deployL2). It writes the addresses as a
 * shell-sourceable env file (KEY='value' lines, atomically), which scripts/compose/entrypoint.sh exports into each app:
 *
 *   L1_HUB_ADDRESS, CHAINS_JSON (the bridge's), and per L2 CHAIN_<id>_INTEROP_CENTER_ADDRESS,
 *   CHAIN_<id>_INTEROP_HANDLER_ADDRESS, CHAIN_<id>_NATIVE_TOKEN_VAULT_ADDRESS, CHAIN_<id>_START_BLOCK
 *
 * When the file exists and every contract in it still has code, nothing is deployed again (`docker compose up`
 * after a restart keeps the network; `docker compose down -v` starts clean).
 *
 * Environment: DEPLOY_ENV_FILE; L1_RPC_URL, L1_CHAIN_ID (default 900), DEPLOYER_PRIVATE_KEY (deploy);
 * HUB_URL, ADMIN_TOKEN (register); L2_CHAIN_IDS (`901,902`) and per id L2_<id>_NAME, L2_<id>_RPC_URL (deploy),
 * L2_<id>_OPERATOR_PRIVATE_KEY. A missing or bad variable: one line per variable on stderr, exit 1.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { deployL1, deployL2 } from '@interop/devnet/contracts';
import { httpJson } from '@interop/devnet/http';
import { interopHubDomain, signChainRegistration } from '@interop/protocol';
import { createPublicClient, http, isAddress, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

const KEY = /^0x[0-9a-fA-F]{64}$/;

type L2 = { chainId: bigint; name: string; rpcUrl: string; operatorKey: Hex };

class ConfigProblems extends Error {}

function readEnv(env: NodeJS.ProcessEnv, mode: 'deploy' | 'register') {
  const problems: string[] = [];
  const need = (name: string, check: (v: string) => boolean = (v) => v.length > 0, what = 'must be set'): string => {
    const v = env[name] ?? '';
    if (!check(v)) problems.push(`${name}: ${v ? what : 'must be set'}`);
    return v;
  };
  const url = (v: string) => /^https?:\/\/\S+$/.test(v);
  const envFile = need('DEPLOY_ENV_FILE');
  const l1ChainId = env.L1_CHAIN_ID ?? '900';
  if (!/^\d+$/.test(l1ChainId)) problems.push('L1_CHAIN_ID: must be a decimal chain id');
  const ids = need('L2_CHAIN_IDS', (v) => /^\d+(,\d+)*$/.test(v), 'must be comma-separated chain ids');
  const l2s: L2[] = (/^\d+(,\d+)*$/.test(ids) ? ids.split(',') : []).map((id) => ({
    chainId: BigInt(id),
    name: need(`L2_${id}_NAME`),
    rpcUrl: mode === 'deploy' ? need(`L2_${id}_RPC_URL`, url, 'must be an http(s) URL') : '',
    operatorKey: need(`L2_${id}_OPERATOR_PRIVATE_KEY`, (v) => KEY.test(v), 'must be a 32-byte hex key') as Hex,
  }));
  const deploy =
    mode === 'deploy'
      ? {
          l1RpcUrl: need('L1_RPC_URL', url, 'must be an http(s) URL'),
          deployerKey: need('DEPLOYER_PRIVATE_KEY', (v) => KEY.test(v), 'must be a 32-byte hex key') as Hex,
        }
      : undefined;
  const register =
    mode === 'register'
      ? {
          hubUrl: need('HUB_URL', url, 'must be an http(s) URL').replace(/\/+$/, ''),
          adminToken: need('ADMIN_TOKEN', (v) => v.length >= 16, 'must be at least 16 characters'),
        }
      : undefined;
  if (problems.length > 0) throw new ConfigProblems(problems.join('\n'));
  return { envFile, l1ChainId: Number(l1ChainId), l2s, deploy: deploy!, register: register! };
}

/** KEY='value' lines a POSIX shell sources (`set -a; . file`); a value never holds a single quote. */
export function formatEnvFile(vars: Record<string, string>): string {
  return (
    Object.entries(vars)
      .map(([k, v]) => {
        if (v.includes("'")) throw new Error(`${k}: a value with a single quote cannot be written`);
        return `${k}='${v}'`;
      })
      .join('\n') + '\n'
  );
}

/** The KEY='value' lines of `formatEnvFile` (what a shell would read). */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)='([^']*)'$/.exec(line);
    if (m) vars[m[1]!] = m[2]!;
  }
  return vars;
}

async function waitForRpc(rpcUrl: string, chainId: number, timeoutMs = 120_000): Promise<void> {
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await client.getChainId().catch(() => undefined);
    if (got === chainId) return;
    if (got !== undefined) throw new Error(`${rpcUrl} is chain ${got}, expected ${chainId}`);
    if (Date.now() > deadline) throw new Error(`${rpcUrl} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function hasCode(rpcUrl: string, address: string | undefined): Promise<boolean> {
  if (!address || !isAddress(address)) return false;
  const code = await createPublicClient({ transport: http(rpcUrl) }).getCode({ address });
  return code !== undefined && code !== '0x';
}

function say(line: string): void {
  process.stdout.write(`[deploy] ${line}\n`);
}

async function deploy(env: NodeJS.ProcessEnv): Promise<void> {
  const c = readEnv(env, 'deploy');
  await waitForRpc(c.deploy.l1RpcUrl, c.l1ChainId);
  for (const l2 of c.l2s) await waitForRpc(l2.rpcUrl, Number(l2.chainId));

  if (existsSync(c.envFile)) {
    const old = parseEnvFile(readFileSync(c.envFile, 'utf8'));
    const checks = [
      hasCode(c.deploy.l1RpcUrl, old.L1_HUB_ADDRESS),
      ...c.l2s.flatMap((l2) =>
        ['INTEROP_CENTER', 'INTEROP_HANDLER', 'NATIVE_TOKEN_VAULT'].map((k) =>
          hasCode(l2.rpcUrl, old[`CHAIN_${l2.chainId}_${k}_ADDRESS`]),
        ),
      ),
    ];
    if ((await Promise.all(checks)).every(Boolean)) {
      say(`${c.envFile} is current (every contract in it has code): nothing deployed`);
      return;
    }
    say(`${c.envFile} names contracts these nodes do not have: deploying again`);
  }

  const l1 = await deployL1(c.deploy.l1RpcUrl, c.l1ChainId, c.deploy.deployerKey);
  say(`L1 ${c.l1ChainId}: InteropHub ${l1.hub}, verifiers ${JSON.stringify(l1.verifiers)}`);
  const vars: Record<string, string> = { L1_HUB_ADDRESS: l1.hub };
  const chainsJson: object[] = [];
  for (const l2 of c.l2s) {
    const operator = privateKeyToAccount(l2.operatorKey).address;
    const d = await deployL2(
      l2.rpcUrl,
      l2.chainId,
      c.deploy.deployerKey,
      operator,
      c.l2s.map((x) => x.chainId),
    );
    say(
      `L2 ${l2.chainId} (${l2.name}): center ${d.center}, handler ${d.handler}, vault ${d.vault}, operator ${operator}`,
    );
    vars[`CHAIN_${l2.chainId}_INTEROP_CENTER_ADDRESS`] = d.center;
    vars[`CHAIN_${l2.chainId}_INTEROP_HANDLER_ADDRESS`] = d.handler;
    vars[`CHAIN_${l2.chainId}_NATIVE_TOKEN_VAULT_ADDRESS`] = d.vault;
    vars[`CHAIN_${l2.chainId}_START_BLOCK`] = d.startBlock.toString();
    chainsJson.push({
      chainId: l2.chainId.toString(),
      rpcUrl: l2.rpcUrl,
      interopCenter: d.center,
      interopHandler: d.handler,
      nativeTokenVault: d.vault,
    });
  }
  vars.CHAINS_JSON = JSON.stringify(chainsJson);
  mkdirSync(dirname(c.envFile), { recursive: true });
  const tmp = `${c.envFile}.tmp-${process.pid}`;
  writeFileSync(tmp, formatEnvFile(vars));
  renameSync(tmp, c.envFile);
  say(`wrote ${c.envFile}`);
}

async function register(env: NodeJS.ProcessEnv): Promise<void> {
  const c = readEnv(env, 'register');
  if (!existsSync(c.envFile)) throw new Error(`${c.envFile} does not exist: run the deploy service first`);
  const net = parseEnvFile(readFileSync(c.envFile, 'utf8'));
  const l1Hub = net.L1_HUB_ADDRESS;
  if (!l1Hub || !isAddress(l1Hub)) throw new Error(`${c.envFile} has no L1_HUB_ADDRESS`);
  const { hubUrl, adminToken } = c.register;
  const domain = interopHubDomain(BigInt(c.l1ChainId), l1Hub);
  for (const l2 of c.l2s) {
    const found = await httpJson('GET', `${hubUrl}/chains/${l2.chainId}`);
    let status = found.status === 200 ? (found.body as { status?: string }).status : undefined;
    if (found.status !== 200) {
      const operator = privateKeyToAccount(l2.operatorKey).address;
      const signature = await signChainRegistration(l2.operatorKey, domain, {
        chainId: l2.chainId,
        name: l2.name,
        operator,
      });
      const created = await httpJson('POST', `${hubUrl}/chains`, {
        chainId: l2.chainId.toString(),
        name: l2.name,
        operator,
        signature,
      });
      if (created.status !== 201) throw new Error(`register chain ${l2.chainId}: ${JSON.stringify(created.body)}`);
      status = 'pending';
    }
    if (status === 'pending' || status === 'approving') {
      const approved = await httpJson('POST', `${hubUrl}/chains/${l2.chainId}/approve`, undefined, adminToken);
      if (approved.status !== 200) throw new Error(`approve chain ${l2.chainId}: ${JSON.stringify(approved.body)}`);
      say(
        `chain ${l2.chainId} (${l2.name}) registered and approved, slot ${(approved.body as { slot?: number }).slot}`,
      );
    } else {
      say(`chain ${l2.chainId} (${l2.name}) is already registered (${status})`);
    }
  }
}

if (require.main === module) {
  const mode = process.argv[2];
  const run = mode === 'deploy' ? deploy : mode === 'register' ? register : undefined;
  if (!run) {
    process.stderr.write(`usage: deploy.ts deploy|register (got ${mode ?? 'nothing'})\n`);
    process.exit(1);
  }
  run(process.env).then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(
        e instanceof ConfigProblems
          ? `${e.message}\n`
          : `[deploy] ${mode} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
      process.exit(1);
    },
  );
}
