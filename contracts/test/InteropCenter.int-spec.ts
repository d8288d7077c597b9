import { encodeFunctionData, parseEventLogs, type Address, type Hex } from 'viem';
import { computeInteropFee, messageLeaf, MessageKind } from '@interop/protocol';
import { deployL2Stack, interopCenterAbi } from '@interop/contracts';
import { expectRevert } from './helpers/expectRevert';
import { looseAbi } from './helpers/looseAbi';
import { NETWORK_DEPTHS, sentMessages } from './helpers/network';
import { startTestChain, type TestChain } from './helpers/testChain';

jest.setTimeout(120_000);

const SRC = 501;
const DST = 502n;
const OTHER = 503n;
const PARAMS = {
  baseFee: 1_000n,
  perByteFee: 16n,
  dstGasPrice: 2_000_000_000n,
  exchangeRateE18: 333_333_333_333_333_333n,
};

describe('InteropCenter (L2 source side) on anvil', () => {
  let chain: TestChain;
  let center: Address;
  let vault: Address;
  const admin = () => chain.wallets[0]!;
  const user = () => chain.wallets[1]!;
  const read = <T>(functionName: string, args: readonly unknown[] = []): Promise<T> =>
    chain.publicClient.readContract({
      address: center,
      abi: looseAbi(interopCenterAbi),
      functionName,
      args,
    }) as Promise<T>;
  const write = async (
    wallet: TestChain['wallets'][number],
    functionName: string,
    args: readonly unknown[],
    value?: bigint,
  ) => {
    const hash = await wallet.writeContract({
      address: center,
      abi: looseAbi(interopCenterAbi),
      functionName,
      args,
      value,
    } as never);
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    return receipt;
  };
  const send = (payload: Hex, gasLimit: bigint, value: bigint, dst = DST, wallet = user()) =>
    wallet.writeContract({
      address: center,
      abi: interopCenterAbi,
      functionName: 'sendMessage',
      args: [dst, '0x00000000000000000000000000000000000000aa', payload, gasLimit],
      value,
    });
  const quote = (payload: Hex, gasLimit: bigint) =>
    computeInteropFee(PARAMS, BigInt((payload.length - 2) / 2), gasLimit);
  const increaseTime = async (seconds: number) => {
    await chain.publicClient.request({ method: 'evm_increaseTime' as never, params: [seconds] as never });
  };

  beforeAll(async () => {
    chain = await startTestChain(SRC);
    ({ center, vault } = await deployL2Stack(
      { walletClient: admin(), publicClient: chain.publicClient },
      NETWORK_DEPTHS,
    ));
    await write(admin(), 'setFeeParams', [DST, PARAMS]);
  });
  afterAll(async () => {
    await chain?.stop();
  });

  it('quotes exactly the fee of libs/protocol and refuses unconfigured routes', async () => {
    for (const [len, gas] of [
      [0n, 0n],
      [100n, 200_000n],
      [1234n, 7n],
    ] as const) {
      expect(await read<bigint>('quoteFee', [DST, len, gas])).toBe(computeInteropFee(PARAMS, len, gas));
    }
    await expectRevert(read('quoteFee', [OTHER, 0n, 0n]), 'RouteNotConfigured');
  });

  it('sends a CALL message: exact fee, per-sender nonces, the whole message in MessageSent', async () => {
    const payload = encodeFunctionData({
      abi: [{ type: 'function', name: 'ping', inputs: [{ type: 'uint256' }], outputs: [] }],
      args: [7n],
    });
    const fee = quote(payload, 100_000n);
    const before = await read<bigint>('feesCollected');
    const first = await chain.publicClient.waitForTransactionReceipt({ hash: await send(payload, 100_000n, fee) });
    const second = await chain.publicClient.waitForTransactionReceipt({ hash: await send(payload, 100_000n, fee) });
    const [m0] = sentMessages(first);
    const [m1] = sentMessages(second);
    expect(m0).toEqual({
      srcChainId: BigInt(SRC),
      dstChainId: DST,
      nonce: 0n,
      sender: user().account.address,
      recipient: '0x00000000000000000000000000000000000000AA',
      kind: MessageKind.CALL,
      payload,
      assetId: `0x${'0'.repeat(64)}`,
      amount: 0n,
      fee,
      gasLimit: 100_000n,
    });
    expect(m1?.nonce).toBe(1n);
    const [log] = parseEventLogs({ abi: interopCenterAbi, logs: first.logs, eventName: 'MessageSent' });
    expect(log?.args.messageId).toBe(messageLeaf(m0!));
    expect(log?.args.dstChainId).toBe(DST);
    expect(await read<bigint>('nonces', [user().account.address])).toBe(2n);
    expect(await read<bigint>('nonces', [admin().account.address])).toBe(0n);
    expect(await read<bigint>('feesCollected')).toBe(before + 2n * fee);
    expect(await chain.publicClient.getBalance({ address: center })).toBe(before + 2n * fee);
  });

  it('refuses a fee that is not exactly the quote, and bad destinations', async () => {
    const fee = quote('0x', 50_000n);
    const args = await expectRevert(send('0x', 50_000n, fee - 1n), 'WrongFee');
    expect(args).toEqual([fee, fee - 1n]);
    await expectRevert(send('0x', 50_000n, fee + 1n), 'WrongFee');
    await expectRevert(send('0x', 50_000n, 0n, OTHER), 'RouteNotConfigured');
    await expectRevert(send('0x', 50_000n, 0n, BigInt(SRC)), 'InvalidDestination');
  });

  it('rate limits a route with a token bucket that refills over time', async () => {
    const fee = quote('0x', 0n);
    const mine = () => chain.publicClient.request({ method: 'evm_mine' as never, params: [] as never });
    // capacity 2, no refill: the third message is refused, however long we wait
    await write(admin(), 'setRateLimit', [DST, 2n, 0n]);
    await chain.publicClient.waitForTransactionReceipt({ hash: await send('0x', 0n, fee) });
    await chain.publicClient.waitForTransactionReceipt({ hash: await send('0x', 0n, fee) });
    const args = await expectRevert(send('0x', 0n, fee), 'RateLimited');
    expect(args).toEqual([DST]);
    await increaseTime(100);
    await mine();
    await expectRevert(send('0x', 0n, fee), 'RateLimited');

    // capacity 2, 1 per second: a burst of 3 in one block lets 2 through; 10 s later the bucket is full again
    await write(admin(), 'setRateLimit', [DST, 2n, 1n]);
    await chain.publicClient.request({ method: 'evm_setAutomine' as never, params: [false] as never });
    const burst: Hex[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        burst.push(
          await user().writeContract({
            address: center,
            abi: interopCenterAbi,
            functionName: 'sendMessage',
            args: [DST, '0x00000000000000000000000000000000000000aa', '0x', 0n],
            value: fee,
            gas: 300_000n,
          }),
        );
      }
      await mine();
    } finally {
      await chain.publicClient.request({ method: 'evm_setAutomine' as never, params: [true] as never });
    }
    const statuses = await Promise.all(
      burst.map(async (hash) => (await chain.publicClient.waitForTransactionReceipt({ hash })).status),
    );
    expect(statuses).toEqual(['success', 'success', 'reverted']);
    await increaseTime(10);
    await mine();
    const [, available] = await read<[unknown, bigint]>('rateLimit', [DST]);
    expect(available).toBe(2n);
    await chain.publicClient.waitForTransactionReceipt({ hash: await send('0x', 0n, fee) });
    // capacity 0 switches the limit off
    await write(admin(), 'setRateLimit', [DST, 0n, 0n]);
    const [, unlimited] = await read<[unknown, bigint]>('rateLimit', [DST]);
    expect(unlimited).toBe(2n ** 256n - 1n);
  });

  it('refuses a paused route until it is resumed', async () => {
    const fee = quote('0x', 0n);
    await write(admin(), 'pauseRoute', [DST]);
    await expectRevert(send('0x', 0n, fee), 'RouteIsPaused');
    await write(admin(), 'resumeRoute', [DST]);
    expect((await chain.publicClient.waitForTransactionReceipt({ hash: await send('0x', 0n, fee) })).status).toBe(
      'success',
    );
  });

  it('enforces the chain admin destination allowlist when enabled', async () => {
    const fee = quote('0x', 0n);
    await write(admin(), 'setDestinationAllowlistEnabled', [true]);
    await expectRevert(send('0x', 0n, fee), 'DestinationNotAllowed');
    await write(admin(), 'setDestinationAllowed', [DST, true]);
    expect((await chain.publicClient.waitForTransactionReceipt({ hash: await send('0x', 0n, fee) })).status).toBe(
      'success',
    );
    await write(admin(), 'setDestinationAllowlistEnabled', [false]);
  });

  it('lets only the vault send TOKEN messages and only admins change the policy', async () => {
    await expectRevert(
      user().writeContract({
        address: center,
        abi: interopCenterAbi,
        functionName: 'sendTokenMessage',
        args: [user().account.address, DST, user().account.address, '0x', `0x${'11'.repeat(32)}`, 5n, 0n],
      }),
      'Unauthorized',
    );
    expect(await read<boolean>('hasRole', [await read<Hex>('VAULT_ROLE'), vault])).toBe(true);
    for (const [functionName, args] of [
      ['setFeeParams', [DST, PARAMS]],
      ['pauseRoute', [DST]],
      ['setRateLimit', [DST, 1n, 1n]],
      ['setDestinationAllowlistEnabled', [true]],
      ['setDestinationAllowed', [DST, true]],
      ['withdrawFees', [user().account.address, 1n]],
      ['grantRole', [`0x${'0'.repeat(64)}`, user().account.address]],
    ] as const) {
      await expectRevert(
        user().writeContract({ address: center, abi: looseAbi(interopCenterAbi), functionName, args }),
        'Unauthorized',
      );
    }
  });

  it('lets the treasury withdraw collected fees, never more', async () => {
    const treasury = chain.wallets[2]!;
    const role = await read<Hex>('TREASURY_ROLE');
    await write(admin(), 'grantRole', [role, treasury.account.address]);
    const collected = await read<bigint>('feesCollected');
    const to = '0x000000000000000000000000000000000000bEEF' as Address;
    const receipt = await write(treasury, 'withdrawFees', [to, collected - 5n]);
    const [log] = parseEventLogs({ abi: interopCenterAbi, logs: receipt.logs, eventName: 'FeesWithdrawn' });
    expect(log?.args).toEqual({ to, amount: collected - 5n, by: treasury.account.address });
    expect(await chain.publicClient.getBalance({ address: to })).toBe(collected - 5n);
    expect(await read<bigint>('feesWithdrawn')).toBe(collected - 5n);
    const args = await expectRevert(
      treasury.writeContract({ address: center, abi: interopCenterAbi, functionName: 'withdrawFees', args: [to, 6n] }),
      'InsufficientFees',
    );
    expect(args).toEqual([5n, 6n]);
  });
});
