import { hashTypedData, keccak256, recoverAddress, toHex, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { SignatureError } from '../errors/signature';
import { ANVIL_ADDRESS_0, ANVIL_KEY_0 } from '../testing/fixtures';
import { SECP256K1_HALF_ORDER } from './batchRootDigest';
import { interopHubDomain } from './interopHubDomain';
import { recoverBatchRootSigner } from './recoverBatchRootSigner';
import { recoverChainRegistrationSigner } from './recoverChainRegistrationSigner';
import { signBatchRoot } from './signBatchRoot';
import { signChainRegistration } from './signChainRegistration';
import { batchRootTypes, chainRegistrationTypes } from './types';

/** secp256k1 group order n. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
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

  it('refuses the high-s twin of a valid signature and a bad v, as L1 does; accepts v as 0/1', async () => {
    const sig = await signBatchRoot(ANVIL_KEY_0, domain, commitment);
    const r = sig.slice(2, 66);
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const v = Number.parseInt(sig.slice(130), 16);
    expect(s <= SECP256K1_HALF_ORDER).toBe(true);
    // (r, n - s, v flipped) recovers the same key with plain ecrecover: the malleable twin L1 refuses.
    const twin = `0x${r}${toHex(SECP256K1_N - s, { size: 32 }).slice(2)}${(v === 27 ? 28 : 27).toString(16)}` as const;
    expect(twin).toHaveLength(132);
    const digest = hashTypedData({ domain, types: batchRootTypes, primaryType: 'BatchRoot', message: commitment });
    expect(await recoverAddress({ hash: digest, signature: twin })).toBe(ANVIL_ADDRESS_0);
    await expect(recoverBatchRootSigner(domain, commitment, twin)).rejects.toThrow(SignatureError);
    await expect(recoverBatchRootSigner(domain, commitment, twin)).rejects.toThrow(/low s/);
    const badV = `${sig.slice(0, 130)}1d` as Hex;
    await expect(recoverBatchRootSigner(domain, commitment, badV)).rejects.toThrow(/v must be 0, 1, 27 or 28, got 29/);
    const yParity = `${sig.slice(0, 130)}${(v - 27).toString(16).padStart(2, '0')}` as Hex;
    expect(await recoverBatchRootSigner(domain, commitment, yParity)).toBe(ANVIL_ADDRESS_0);
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
