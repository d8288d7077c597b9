import { createPublicClient, createWalletClient, http, parseEther } from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { ANVIL_PRIVATE_KEYS, startAnvil, type AnvilInstance } from './anvil';

describe('startAnvil (real anvil)', () => {
  let anvil: AnvilInstance;
  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 901 });
  });
  afterAll(async () => {
    await anvil.stop();
  });

  it('answers with its chain id and mines a value transfer', async () => {
    const chain = {
      id: 901,
      name: 'test',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [anvil.rpcUrl] } },
    } as const;
    const pub = createPublicClient({ chain, transport: http(anvil.rpcUrl) });
    const wallet = createWalletClient({
      chain,
      transport: http(anvil.rpcUrl),
      account: privateKeyToAccount(ANVIL_PRIVATE_KEYS[0]),
    });
    expect(await pub.getChainId()).toBe(901);
    const to = privateKeyToAccount(ANVIL_PRIVATE_KEYS[9]).address;
    const before = await pub.getBalance({ address: to });
    const hash = await wallet.sendTransaction({ to, value: parseEther('1.5') });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    expect((await pub.getBalance({ address: to })) - before).toBe(parseEther('1.5'));
  });
});

describe('ANVIL_PRIVATE_KEYS', () => {
  it("are the funded accounts of anvil's default mnemonic, in order", () => {
    const mnemonic = 'test test test test test test test test test test test junk';
    ANVIL_PRIVATE_KEYS.forEach((key, addressIndex) => {
      expect(privateKeyToAccount(key).address).toBe(mnemonicToAccount(mnemonic, { addressIndex }).address);
    });
  });
});
