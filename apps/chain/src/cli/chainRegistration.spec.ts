import { interopHubDomain, recoverChainRegistrationSigner } from '@interop/protocol';
import { privateKeyToAccount } from 'viem/accounts';

import { signRegistration } from './chainRegistration';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const HUB = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

describe('signRegistration', () => {
  it('signs the EIP-712 ChainRegistration of the operator over the L1 InteropHub domain', async () => {
    const body = await signRegistration({
      chainId: 901n,
      name: 'alpha',
      operatorKey: KEY,
      l1ChainId: 900n,
      l1Hub: HUB,
    });
    const operator = privateKeyToAccount(KEY).address;
    expect(body).toMatchObject({ chainId: '901', name: 'alpha', operator });
    const registration = { chainId: 901n, name: 'alpha', operator };
    expect(await recoverChainRegistrationSigner(interopHubDomain(900n, HUB), registration, body.signature)).toBe(
      operator,
    );
    // the v2 domain (SPEC "EIP-712"): under the v1 domain the same signature recovers someone else
    expect(interopHubDomain(900n, HUB).version).toBe('2');
    expect(
      await recoverChainRegistrationSigner(
        { ...interopHubDomain(900n, HUB), version: '1' },
        registration,
        body.signature,
      ),
    ).not.toBe(operator);
    // another L1 (domain) or name recovers someone else: the hub would refuse it
    expect(await recoverChainRegistrationSigner(interopHubDomain(1n, HUB), registration, body.signature)).not.toBe(
      operator,
    );
    expect(
      await recoverChainRegistrationSigner(
        interopHubDomain(900n, HUB),
        { ...registration, name: 'beta' },
        body.signature,
      ),
    ).not.toBe(operator);
  });
});
