import { hashTypedData, keccak256, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { SignatureError } from '../errors/signature';
import { ANVIL_ADDRESS_0, ANVIL_KEY_0 } from '../testing/fixtures';
import { interopHubDomain } from './interopHubDomain';
import { recoverBatchRootSigner } from './recoverBatchRootSigner';
import { recoverChainRegistrationSigner } from './recoverChainRegistrationSigner';
import { signBatchRoot } from './signBatchRoot';
import { signChainRegistration } from './signChainRegistration';
import { batchRootTypes, chainRegistrationTypes } from './types';

const hub = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const domain = interopHubDomain(31337n, hub);
const commitment = {
  chainId: 31338n,
  batchNumber: 4n,
  batchRoot: keccak256('0x01'),
  chainRoot: toHex(12345n, { size: 32 }),
  messageCount: 3,
  firstBlock: 10n,
  lastBlock: 20n,
};

describe('EIP-712', () => {
  it('domain and type strings follow the SPEC', () => {
    expect(domain).toEqual({ name: 'InteropHub', version: '2', chainId: 31337n, verifyingContract: hub });
    const typeString = (name: string, fields: readonly { name: string; type: string }[]): string =>
      `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(',')})`;
    expect(typeString('BatchRoot', batchRootTypes.BatchRoot)).toBe(
      'BatchRoot(uint64 chainId,uint64 batchNumber,bytes32 batchRoot,bytes32 chainRoot,uint32 messageCount,uint64 firstBlock,uint64 lastBlock)',
    );
    expect(typeString('ChainRegistration', chainRegistrationTypes.ChainRegistration)).toBe(
      'ChainRegistration(uint64 chainId,string name,address operator)',
    );
  });

  it('signs a batch root with a key or an account and recovers the signer', async () => {
    const sig = await signBatchRoot(ANVIL_KEY_0, domain, commitment);
    expect(await signBatchRoot(privateKeyToAccount(ANVIL_KEY_0), domain, commitment)).toBe(sig);
    expect(await recoverBatchRootSigner(domain, commitment, sig)).toBe(ANVIL_ADDRESS_0);
    // A different root, domain or batch number recovers someone else.
    expect(await recoverBatchRootSigner(domain, { ...commitment, batchNumber: 5n }, sig)).not.toBe(ANVIL_ADDRESS_0);
    expect(await recoverBatchRootSigner(domain, { ...commitment, chainRoot: toHex(1n, { size: 32 }) }, sig)).not.toBe(
      ANVIL_ADDRESS_0,
    );
    expect(await recoverBatchRootSigner(interopHubDomain(1n, hub), commitment, sig)).not.toBe(ANVIL_ADDRESS_0);
    const digest = hashTypedData({ domain, types: batchRootTypes, primaryType: 'BatchRoot', message: commitment });
    expect(digest).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it('signs a chain registration and recovers the signer', async () => {
    const reg = { chainId: 31338n, name: 'beta', operator: ANVIL_ADDRESS_0 } as const;
    const sig = await signChainRegistration(ANVIL_KEY_0, domain, reg);
    expect(await recoverChainRegistrationSigner(domain, reg, sig)).toBe(ANVIL_ADDRESS_0);
    expect(await recoverChainRegistrationSigner(domain, { ...reg, name: 'gamma' }, sig)).not.toBe(ANVIL_ADDRESS_0);
  });

  it('throws SignatureError on malformed input', async () => {
    await expect(recoverBatchRootSigner(domain, commitment, '0x1234')).rejects.toThrow(SignatureError);
    await expect(signBatchRoot('0x12', domain, commitment)).rejects.toThrow(SignatureError);
    await expect(signBatchRoot(ANVIL_KEY_0, domain, { ...commitment, messageCount: 2 ** 32 })).rejects.toThrow(
      SignatureError,
    );
    await expect(
      recoverChainRegistrationSigner(
        domain,
        { chainId: 1n, name: 'x', operator: ANVIL_ADDRESS_0 },
        toHex(1, { size: 65 }),
      ),
    ).rejects.toThrow(SignatureError);
  });
});
