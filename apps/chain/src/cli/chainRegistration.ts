import { interopHubDomain, signChainRegistration } from '@interop/protocol';
import type { Address, Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

/** Body of the hub's `POST /chains` (integers as decimal strings). */
export type ChainRegistrationBody = { chainId: string; name: string; operator: Address; signature: Hex };

export type SignRegistrationParameters = {
  chainId: bigint;
  name: string;
  operatorKey: Hex;
  l1ChainId: bigint;
  l1Hub: Address;
};

/**
 * The operator's signed EIP-712 `ChainRegistration` (SPEC "EIP-712", domain of the L1 InteropHub), as the hub's
 * `POST /chains` expects it.
 *
 * @example
 * const body = await signRegistration({ chainId: 901n, name: 'alpha', operatorKey, l1ChainId: 900n, l1Hub });
 */
export async function signRegistration(p: SignRegistrationParameters): Promise<ChainRegistrationBody> {
  const operator = privateKeyToAccount(p.operatorKey);
  const signature = await signChainRegistration(operator, interopHubDomain(p.l1ChainId, p.l1Hub), {
    chainId: p.chainId,
    name: p.name,
    operator: operator.address,
  });
  return { chainId: p.chainId.toString(), name: p.name, operator: operator.address, signature };
}

/** A registration the hub refused, or a hub that could not be reached. */
export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
  constructor(
    readonly code: 'REGISTRATION_REJECTED' | 'HUB_UNREACHABLE',
    message: string,
  ) {
    super(message);
  }
}

/**
 * POSTs a signed registration to the hub and returns its JSON answer.
 *
 * @throws {RegistrationError} when the hub answers with an error status or cannot be reached.
 */
export async function postRegistration(hubUrl: string, body: ChainRegistrationBody): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(new URL('/chains', hubUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    const cause = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
    throw new RegistrationError('HUB_UNREACHABLE', `hub ${hubUrl} unreachable: ${cause}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let reason = text;
    try {
      // The apps answer errors as { error: { code, message } } (libs/infra ErrorResponseBody).
      const json = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
      const parts = [json.error?.code, json.error?.message].filter((x): x is string => typeof x === 'string');
      if (parts.length > 0) reason = parts.join(': ');
    } catch {
      // not JSON: keep the raw body
    }
    throw new RegistrationError(
      'REGISTRATION_REJECTED',
      `hub refused the registration (HTTP ${res.status}): ${reason}`,
    );
  }
  return text === '' ? null : (JSON.parse(text) as unknown);
}
