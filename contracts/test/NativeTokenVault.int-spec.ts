import { decodeErrorResult, getAddress, parseEventLogs, type Address, type Hex } from 'viem';
import { assetIdOf, decodeTokenPayload, MessageKind, type InteropMessage } from '@interop/protocol';
import {
  bridgedTokenAbi,
  deployL2Stack,
  interopCenterAbi,
  interopHandlerAbi,
  nativeTokenVaultAbi,
} from '@interop/contracts';
import { deployFixture, fixtureAbi } from './helpers/fixtures';
import { expectRevert } from './helpers/expectRevert';
import { looseAbi } from './helpers/looseAbi';
import { NETWORK_DEPTHS, sentMessages, TestNetwork } from './helpers/network';
import { startTestChain, type TestChain, type TestWallet } from './helpers/testChain';

jest.setTimeout(180_000);

const A = 501;
const B = 502;
const FEES = { baseFee: 1_000n, perByteFee: 2n, dstGasPrice: 1n, exchangeRateE18: 10n ** 18n };

type Stack = { chain: TestChain; center: Address; handler: Address; vault: Address };

describe('NativeTokenVault + BridgedToken on anvil (A <-> B)', () => {
  let a: Stack;
  let b: Stack;
  let token: Address;
  let assetId: Hex;
  let network: TestNetwork;
  const alice = (): TestWallet => a.chain.wallets[1]!;
  const bob = (): TestWallet => b.chain.wallets[2]!;

  const erc20 = (s: Stack, address: Address, functionName: string, args: readonly unknown[] = []) =>
    s.chain.publicClient.readContract({
      address,
      abi: looseAbi(bridgedTokenAbi),
      functionName,
      args,
    });
  const vaultRead = <T>(s: Stack, functionName: string, args: readonly unknown[] = []) =>
    s.chain.publicClient.readContract({
      address: s.vault,
      abi: looseAbi(nativeTokenVaultAbi),
      functionName,
      args,
    }) as Promise<T>;
  const send = async (
    s: Stack,
    wallet: TestWallet,
    address: Address,
    abi: readonly unknown[],
    functionName: string,
    args: readonly unknown[],
    value?: bigint,
  ) => {
    const hash = await wallet.writeContract({ address, abi, functionName, args, value } as never);
    const receipt = await s.chain.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    return receipt;
  };
  const bridge = async (
    s: Stack,
    wallet: TestWallet,
    tokenAddress: Address,
    amount: bigint,
    dst: number,
    recipient: Address,
  ) => {
    const fee = await vaultRead<bigint>(s, 'quoteBridgeFee', [tokenAddress, BigInt(dst)]);
    const receipt = await send(
      s,
      wallet,
      s.vault,
      nativeTokenVaultAbi,
      'bridge',
      [tokenAddress, amount, BigInt(dst), recipient],
      fee,
    );
    const [m] = sentMessages(receipt);
    return { m: m!, receipt, fee };
  };
  const deliver = async (dst: Stack, m: InteropMessage) => {
    await network.settle([m]);
    return send(dst, dst.chain.wallets[3]!, dst.handler, interopHandlerAbi, 'executeMessage', [m, network.proof(m)]);
  };
  const invariant = async (bridged: Address) => {
    const locked = await vaultRead<bigint>(a, 'lockedBalance', [assetId]);
    const supply = (await erc20(b, bridged, 'totalSupply')) as bigint;
    expect(supply).toBe(locked);
    return locked;
  };

  beforeAll(async () => {
    const [ca, cb] = await Promise.all([startTestChain(A), startTestChain(B)]);
    const depths = NETWORK_DEPTHS;
    a = {
      chain: ca,
      ...(await deployL2Stack({ walletClient: ca.wallets[0]!, publicClient: ca.publicClient }, depths)),
    };
    b = {
      chain: cb,
      ...(await deployL2Stack({ walletClient: cb.wallets[0]!, publicClient: cb.publicClient }, depths)),
    };
    await send(a, ca.wallets[0]!, a.center, interopCenterAbi, 'setFeeParams', [BigInt(B), FEES]);
    await send(b, cb.wallets[0]!, b.center, interopCenterAbi, 'setFeeParams', [BigInt(A), FEES]);
    token = await deployFixture(ca.wallets[0]!, ca.publicClient, 'TestToken', ['Alpha Token', 'ALPHA']);
    await send(a, ca.wallets[0]!, token, fixtureAbi('TestToken'), 'mint', [alice().account.address, 1_000n]);
    assetId = assetIdOf(BigInt(A), a.vault, token);
    network = new TestNetwork(
      new Map([
        [BigInt(A), 0],
        [BigInt(B), 1],
      ]),
      [
        { chain: ca, handler: a.handler },
        { chain: cb, handler: b.handler },
      ],
    );
  });
  afterAll(async () => {
    await Promise.all([a?.chain.stop(), b?.chain.stop()]);
  });

  it('A -> B: locks on the origin and mints a BridgedToken at the deterministic address', async () => {
    await send(a, alice(), token, fixtureAbi('TestToken'), 'approve', [a.vault, 2n ** 256n - 1n]);
    const { m, receipt, fee } = await bridge(a, alice(), token, 300n, B, bob().account.address);
    expect(m).toMatchObject({
      kind: MessageKind.TOKEN,
      assetId,
      amount: 300n,
      fee,
      sender: alice().account.address,
      recipient: bob().account.address,
    });
    const payload = decodeTokenPayload(m.payload);
    expect({
      ...payload,
      originVault: getAddress(payload.originVault),
      originToken: getAddress(payload.originToken),
    }).toEqual({
      originChainId: BigInt(A),
      originVault: getAddress(a.vault),
      originToken: getAddress(token),
      name: 'Alpha Token',
      symbol: 'ALPHA',
      decimals: 18,
    });
    const [bridged] = parseEventLogs({ abi: nativeTokenVaultAbi, logs: receipt.logs, eventName: 'TokensBridged' });
    expect(bridged?.args).toMatchObject({ assetId, token, amount: 300n, dstChainId: BigInt(B) });
    expect(await vaultRead<bigint>(a, 'lockedBalance', [assetId])).toBe(300n);
    expect(await vaultRead<Hex>(a, 'nativeAssetId', [token])).toBe(assetId);

    const predicted = await vaultRead<Address>(b, 'bridgedTokenAddress', [assetId]);
    expect(await b.chain.publicClient.getCode({ address: predicted })).toBeUndefined();
    const executed = await deliver(b, m);
    const [deployed] = parseEventLogs({
      abi: nativeTokenVaultAbi,
      logs: executed.logs,
      eventName: 'BridgedTokenDeployed',
    });
    expect(deployed?.args).toMatchObject({ assetId, token: predicted, originChainId: BigInt(A), originToken: token });
    expect(await erc20(b, predicted, 'balanceOf', [bob().account.address])).toBe(300n);
    expect(await erc20(b, predicted, 'name')).toBe('Alpha Token');
    expect(await erc20(b, predicted, 'symbol')).toBe('ALPHA');
    expect(await erc20(b, predicted, 'decimals')).toBe(18);
    expect(await erc20(b, predicted, 'assetId')).toBe(assetId);
    expect(await vaultRead<Hex>(b, 'bridgedAssetOf', [predicted])).toBe(assetId);
    expect(await invariant(predicted)).toBe(300n);

    // a second transfer reuses the token
    const again = await bridge(a, alice(), token, 200n, B, bob().account.address);
    const second = await deliver(b, again.m);
    expect(
      parseEventLogs({ abi: nativeTokenVaultAbi, logs: second.logs, eventName: 'BridgedTokenDeployed' }),
    ).toHaveLength(0);
    expect(await erc20(b, predicted, 'balanceOf', [bob().account.address])).toBe(500n);
    expect(await invariant(predicted)).toBe(500n);
  });

  it('B -> A: burns the BridgedToken and releases on the origin; supply == locked throughout', async () => {
    const bridgedToken = await vaultRead<Address>(b, 'bridgedTokenAddress', [assetId]);
    const aliceBefore = (await erc20(a, token, 'balanceOf', [alice().account.address])) as bigint;
    const { m } = await bridge(b, bob(), bridgedToken, 420n, A, alice().account.address);
    expect(m.assetId).toBe(assetId);
    expect(getAddress(decodeTokenPayload(m.payload).originVault)).toBe(getAddress(a.vault));
    expect(await erc20(b, bridgedToken, 'totalSupply')).toBe(80n);
    // in flight: burned on B, still locked on A
    expect(await vaultRead<bigint>(a, 'lockedBalance', [assetId])).toBe(500n);
    await deliver(a, m);
    expect(await erc20(a, token, 'balanceOf', [alice().account.address])).toBe(aliceBefore + 420n);
    expect(await invariant(bridgedToken)).toBe(80n);
    expect(await erc20(a, token, 'balanceOf', [a.vault])).toBe(80n);

    // burning more than the balance is refused
    const fee = await vaultRead<bigint>(b, 'quoteBridgeFee', [bridgedToken, BigInt(A)]);
    await expectRevert(
      bob().writeContract({
        address: b.vault,
        abi: [...nativeTokenVaultAbi, ...bridgedTokenAbi],
        functionName: 'bridge',
        args: [bridgedToken, 81n, BigInt(A), alice().account.address],
        value: fee,
      }),
      'InsufficientBalance',
    );
  });

  it('only the handler delivers, only the vault mints', async () => {
    const fake = {
      srcChainId: BigInt(A),
      dstChainId: BigInt(B),
      nonce: 0n,
      sender: alice().account.address,
      recipient: bob().account.address,
      kind: MessageKind.TOKEN,
      payload: '0x' as Hex,
      assetId,
      amount: 1n,
      fee: 0n,
      gasLimit: 0n,
    };
    await expectRevert(
      bob().writeContract({ address: b.vault, abi: nativeTokenVaultAbi, functionName: 'receiveToken', args: [fake] }),
      'OnlyHandler',
    );
    const bridgedToken = await vaultRead<Address>(b, 'bridgedTokenAddress', [assetId]);
    await expectRevert(
      bob().writeContract({
        address: bridgedToken,
        abi: bridgedTokenAbi,
        functionName: 'mint',
        args: [bob().account.address, 1n],
      }),
      'OnlyVault',
    );
    await expectRevert(
      bob().writeContract({
        address: bridgedToken,
        abi: bridgedTokenAbi,
        functionName: 'burn',
        args: [bob().account.address, 1n],
      }),
      'OnlyVault',
    );
  });

  it('a malicious token cannot re-enter the vault, neither when locking nor when releasing', async () => {
    const evil = await deployFixture(a.chain.wallets[0]!, a.chain.publicClient, 'ReentrantToken');
    const evilAbi = fixtureAbi('ReentrantToken');
    const evilAsset = assetIdOf(BigInt(A), a.vault, evil);
    await send(a, alice(), evil, evilAbi, 'mint', [alice().account.address, 1_000n]);
    await send(a, alice(), evil, evilAbi, 'approve', [a.vault, 2n ** 256n - 1n]);

    // locking: transferFrom calls vault.bridge again -> Reentrancy, the whole bridge reverts
    await send(a, alice(), evil, evilAbi, 'arm', [a.vault, BigInt(B)]);
    const fee = await vaultRead<bigint>(a, 'quoteBridgeFee', [evil, BigInt(B)]);
    const [, reason] = (await expectRevert(
      alice().writeContract({
        address: a.vault,
        abi: nativeTokenVaultAbi,
        functionName: 'bridge',
        args: [evil, 10n, BigInt(B), bob().account.address],
        value: fee,
      }),
      'TokenTransferFailed',
    )) as [Address, Hex];
    expect(decodeErrorResult({ abi: nativeTokenVaultAbi, data: reason }).errorName).toBe('Reentrancy');
    expect(await vaultRead<bigint>(a, 'lockedBalance', [evilAsset])).toBe(0n);

    // unarmed it bridges normally A -> B, then back B -> A
    await send(a, alice(), evil, evilAbi, 'disarm', []);
    const out = await bridge(a, alice(), evil, 10n, B, bob().account.address);
    await deliver(b, out.m);
    const evilOnB = await vaultRead<Address>(b, 'bridgedTokenAddress', [evilAsset]);
    const back = await bridge(b, bob(), evilOnB, 10n, A, alice().account.address);

    // releasing: transfer calls vault.bridge again -> the delivery fails, nothing is released, the lock is intact
    await send(a, alice(), evil, evilAbi, 'arm', [a.vault, BigInt(B)]);
    const receipt = await deliver(a, back.m);
    const [failed] = parseEventLogs({ abi: interopHandlerAbi, logs: receipt.logs, eventName: 'MessageFailed' });
    expect(failed).toBeDefined();
    expect(await vaultRead<bigint>(a, 'lockedBalance', [evilAsset])).toBe(10n);
    expect(await erc20(a, evil, 'balanceOf', [a.vault])).toBe(10n);

    // once the token behaves, anyone retries and the release happens exactly once
    await send(a, alice(), evil, evilAbi, 'disarm', []);
    await send(a, a.chain.wallets[6]!, a.handler, interopHandlerAbi, 'retryMessage', [back.m]);
    expect(await vaultRead<bigint>(a, 'lockedBalance', [evilAsset])).toBe(0n);
    expect(await erc20(a, evil, 'balanceOf', [alice().account.address])).toBe(1_000n);
    expect(await erc20(b, evilOnB, 'totalSupply')).toBe(0n);
  });
});
