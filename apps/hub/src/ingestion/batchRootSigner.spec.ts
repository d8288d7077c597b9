import {
  batchRootTypes,
  interopHubDomain,
  recoverBatchRootSigner,
  signBatchRoot,
  type BatchRootCommitment,
} from '@interop/protocol';
import { SECP256K1_HALF_ORDER } from '@interop/protocol/eip712/batchRootDigest';
import { keccak256, recoverTypedDataAddress, toHex, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { BatchRootSigner } from './batchRootSigner';

const KEY: Hex = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const OPERATOR = privateKeyToAccount(KEY).address.toLowerCase();
const domain = interopHubDomain(900n, '0x5FbDB2315678afecb367f032d93F642f64180aa3');
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function commitment(batchNumber: bigint): BatchRootCommitment {
  return {
    chainId: 901n,
    batchNumber,
    batchRoot: keccak256(toHex(batchNumber)),
    chainRoot: toHex(batchNumber + 1000n, { size: 32 }),
    messageCount: 2,
    firstBlock: batchNumber * 10n,
    lastBlock: batchNumber * 10n + 9n,
  };
}

describe('BatchRootSigner (libsecp256k1)', () => {
  const signer = new BatchRootSigner(domain);

  it('recovers the address viem recovers', async () => {
    for (let n = 0n; n < 20n; n++) {
      const c = commitment(n);
      const sig = await signBatchRoot(KEY, domain, c);
      expect(signer.recover(c, sig)).toBe(OPERATOR);
      expect((await recoverBatchRootSigner(domain, c, sig)).toLowerCase()).toBe(OPERATOR);
      // Another commitment under the same signature recovers someone else.
      expect(signer.recover(commitment(n + 100n), sig)).not.toBe(OPERATOR);
    }
  });

  it('refuses the high-s twin that ecrecover would accept but InteropHub.sol refuses', async () => {
    const c = commitment(1n);
    const sig = await signBatchRoot(KEY, domain, c);
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    expect(s <= SECP256K1_HALF_ORDER).toBe(true);
    const flippedV = sig.slice(130) === '1b' ? '1c' : '1b';
    const twin: Hex = `${sig.slice(0, 66)}${toHex(N - s, { size: 32 }).slice(2)}${flippedV}` as Hex;
    // Plain ecrecover (viem) recovers the operator from the twin (it has no low-s rule) ...
    const plain = await recoverTypedDataAddress({
      domain,
      types: batchRootTypes,
      primaryType: 'BatchRoot',
      message: c,
      signature: twin,
    });
    expect(plain.toLowerCase()).toBe(OPERATOR);
    // ... L1 would revert on it, so the hub refuses it, as does libs/protocol's recovery.
    expect(signer.recover(c, twin)).toBeUndefined();
    await expect(recoverBatchRootSigner(domain, c, twin)).rejects.toThrow(/low s/);
  });

  it('returns undefined for malformed signatures', () => {
    const c = commitment(2n);
    expect(signer.recover(c, '0x1234')).toBeUndefined();
    expect(signer.recover(c, `0x${'00'.repeat(65)}`)).toBeUndefined();
    expect(signer.recover(c, `0x${'00'.repeat(64)}1b`)).toBeUndefined();
  });
});
