/**
 * Devnet step: registers chains 901 (alpha, operator = anvil key 1) and 902 (beta, anvil key 2) through the hub API
 * and approves them as admin, which registers them on the L1 InteropHub. Idempotent: a chain already registered is
 * only approved if it still waits for it.
 */
import { ANVIL_PRIVATE_KEYS } from '@interop/infra/testing/anvil';
import { interopHubDomain, signChainRegistration } from '@interop/protocol';
import type { Address, Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

const CHAINS: Array<{ chainId: bigint; name: string; key: Hex }> = [
  { chainId: 901n, name: 'alpha', key: ANVIL_PRIVATE_KEYS[1] },
  { chainId: 902n, name: 'beta', key: ANVIL_PRIVATE_KEYS[2] },
];

async function main(): Promise<void> {
  const hubUrl = required('HUB_URL');
  const token = required('ADMIN_TOKEN');
  const domain = interopHubDomain(BigInt(process.env.L1_CHAIN_ID ?? '900'), required('L1_HUB_ADDRESS') as Address);
  for (const { chainId, name, key } of CHAINS) {
    const operator = privateKeyToAccount(key).address;
    const signature = await signChainRegistration(key, domain, { chainId, name, operator });
    const created = await call('POST', `${hubUrl}/chains`, { chainId: chainId.toString(), name, operator, signature });
    if (created.status !== 201 && created.code !== 'CHAIN_DUPLICATE')
      throw new Error(`register ${chainId}: ${created.text}`);
    const current = await call('GET', `${hubUrl}/chains/${chainId}`);
    const status = (JSON.parse(current.text) as { status: string }).status;
    if (status === 'pending' || status === 'approving') {
      const approved = await call('POST', `${hubUrl}/chains/${chainId}/approve`, undefined, token);
      if (approved.status !== 200) throw new Error(`approve ${chainId}: ${approved.text}`);
      process.stdout.write(`chain ${chainId} (${name}) active: ${approved.text}\n`);
    } else {
      process.stdout.write(`chain ${chainId} (${name}) already ${status}\n`);
    }
  }
}

async function call(
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; text: string; code: string | undefined }> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: res.status, text, code };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

main().catch((e: unknown) => {
  process.stderr.write(`20-register-chains failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
