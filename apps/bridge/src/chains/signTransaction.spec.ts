import { keccak256, type TransactionSerializableEIP1559 } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { keccakHex, signEip1559 } from './signTransaction';

describe('signEip1559', () => {
  const account = privateKeyToAccount(`0x${'ab'.repeat(32)}`);
  const tx = (data: `0x${string}`, nonce: number): TransactionSerializableEIP1559 => ({
    chainId: 502,
    type: 'eip1559',
    to: `0x${'22'.repeat(20)}`,
    data,
    nonce,
    gas: 5_000_000n,
    maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1_000_000n,
  });

  it('signs byte for byte like viem, with the same transaction hash', async () => {
    for (const [data, nonce] of [
      ['0x', 0],
      ['0x1234', 7],
      [`0x${'1f'.repeat(118_000)}`, 123_456],
    ] as const) {
      const signed = await signEip1559(account, tx(data, nonce));
      const reference = await account.signTransaction(tx(data, nonce));
      expect(signed.raw).toBe(reference);
      expect(signed.hash).toBe(keccak256(reference));
    }
  });

  it('hashes like viem', () => {
    for (const hex of ['0x', '0x00', `0x${'ab'.repeat(1000)}`] as const) expect(keccakHex(hex)).toBe(keccak256(hex));
  });
});
