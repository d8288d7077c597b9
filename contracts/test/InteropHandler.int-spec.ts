import {
  decodeErrorResult,
  encodeFunctionData,
  getAddress,
  parseEventLogs,
  toHex,
  type Address,
  type Hex,
  type TransactionReceipt,
} from 'viem';
import { messageLeaf, type InclusionProof, type InteropMessage } from '@interop/protocol';
import { deployL2Stack, interopCenterAbi, interopHandlerAbi } from '@interop/contracts';
import { deployFixture, fixtureAbi } from './helpers/fixtures';
import { expectRevert } from './helpers/expectRevert';
import { looseAbi } from './helpers/looseAbi';
import { NETWORK_DEPTHS, sentMessages, TestNetwork } from './helpers/network';
import { startTestChain, type TestChain, type TestWallet } from './helpers/testChain';

jest.setTimeout(180_000);

const A = 501;
const B = 502;
const C = 503n;
const FEES = { baseFee: 10n, perByteFee: 1n, dstGasPrice: 1n, exchangeRateE18: 10n ** 18n };
const NONE = 0;
const EXECUTED = 1;
const FAILED = 2;

describe('InteropHandler (L2 destination side) on anvil', () => {
  let a: TestChain;
  let b: TestChain;
  let centerA: Address;
  let handlerB: Address;
  let vaultB: Address;
  let recorder: Address;
  let reentrant: Address;
  let network: TestNetwork;
  const recorderAbi = () => fixtureAbi('CallRecorder');
  const relayer = (): TestWallet => b.wallets[3]!;

  const sendFromA = async (
    recipient: Address,
    payload: Hex,
    gasLimit: bigint,
    dst = BigInt(B),
  ): Promise<InteropMessage> => {
    const user = a.wallets[1]!;
    const fee = await a.publicClient.readContract({
      address: centerA,
      abi: interopCenterAbi,
      functionName: 'quoteFee',
      args: [dst, BigInt((payload.length - 2) / 2), gasLimit],
    });
    const hash = await user.writeContract({
      address: centerA,
      abi: interopCenterAbi,
      functionName: 'sendMessage',
      args: [dst, recipient, payload, gasLimit],
      value: fee,
    });
    const [m] = sentMessages(await a.publicClient.waitForTransactionReceipt({ hash }));
    return m!;
  };
  const recordCall = (data: Hex) => encodeFunctionData({ abi: recorderAbi(), functionName: 'record', args: [data] });
  const execute = (m: InteropMessage, p: InclusionProof, wallet = relayer(), gas?: bigint) =>
    wallet.writeContract({
      address: handlerB,
      abi: interopHandlerAbi,
      functionName: 'executeMessage',
      args: [m, p],
      ...(gas === undefined ? {} : { gas }),
    });
  const executed = async (m: InteropMessage, p: InclusionProof): Promise<TransactionReceipt> => {
    const receipt = await b.publicClient.waitForTransactionReceipt({ hash: await execute(m, p) });
    expect(receipt.status).toBe('success');
    return receipt;
  };
  const status = async (m: InteropMessage) =>
    b.publicClient.readContract({
      address: handlerB,
      abi: interopHandlerAbi,
      functionName: 'messageStatus',
      args: [messageLeaf(m)],
    });
  const readRecorder = <T>(functionName: string, address = recorder) =>
    b.publicClient.readContract({ address, abi: recorderAbi(), functionName }) as Promise<T>;
  const writeFixture = async (address: Address, name: string, functionName: string, args: readonly unknown[]) => {
    const hash = await b.wallets[0]!.writeContract({ address, abi: fixtureAbi(name), functionName, args });
    await b.publicClient.waitForTransactionReceipt({ hash });
  };
  const writeHandler = async (functionName: string, args: readonly unknown[]) => {
    const hash = await b.wallets[0]!.writeContract({
      address: handlerB,
      abi: looseAbi(interopHandlerAbi),
      functionName,
      args,
    });
    expect((await b.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success');
  };

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestChain(A), startTestChain(B)]);
    const depths = NETWORK_DEPTHS;
    ({ center: centerA } = await deployL2Stack({ walletClient: a.wallets[0]!, publicClient: a.publicClient }, depths));
    ({ handler: handlerB, vault: vaultB } = await deployL2Stack(
      { walletClient: b.wallets[0]!, publicClient: b.publicClient },
      depths,
    ));
    for (const dst of [BigInt(B), C]) {
      const hash = await a.wallets[0]!.writeContract({
        address: centerA,
        abi: interopCenterAbi,
        functionName: 'setFeeParams',
        args: [dst, FEES],
      });
      await a.publicClient.waitForTransactionReceipt({ hash });
    }
    recorder = await deployFixture(b.wallets[0]!, b.publicClient, 'CallRecorder', [handlerB]);
    reentrant = await deployFixture(b.wallets[0]!, b.publicClient, 'ReentrantReceiver', [handlerB]);
    network = new TestNetwork(
      new Map([
        [BigInt(A), 0],
        [BigInt(B), 1],
      ]),
      [{ chain: b, handler: handlerB }],
    );
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('executes a CALL message proven against an imported shared root, once', async () => {
    const m = await sendFromA(recorder, recordCall('0xc0ffee'), 200_000n);
    await network.settle([m]);
    const p = network.proof(m);
    expect(
      await b.publicClient.readContract({
        address: handlerB,
        abi: interopHandlerAbi,
        functionName: 'verifyInclusion',
        args: [m, p],
      }),
    ).toBe(true);
    const receipt = await executed(m, p);
    const [proven] = parseEventLogs({ abi: interopHandlerAbi, logs: receipt.logs, eventName: 'BatchProven' });
    expect(proven?.args.srcChainId).toBe(BigInt(A));
    const [done] = parseEventLogs({ abi: interopHandlerAbi, logs: receipt.logs, eventName: 'MessageExecuted' });
    expect(done?.args).toEqual({ messageId: messageLeaf(m), srcChainId: BigInt(A), nonce: m.nonce, retried: false });
    expect(await status(m)).toBe(EXECUTED);
    // the recipient authenticated the origin through currentMessage()
    expect(await readRecorder<bigint>('calls')).toBe(1n);
    expect(await readRecorder<Hex>('lastMessageId')).toBe(messageLeaf(m));
    expect(await readRecorder<bigint>('lastSrcChainId')).toBe(BigInt(A));
    expect(await readRecorder<Address>('lastSender')).toBe(a.wallets[1]!.account.address);
    expect(await readRecorder<Hex>('lastData')).toBe('0xc0ffee');
    // outside a delivery there is no message in flight
    await expectRevert(
      b.publicClient.readContract({ address: handlerB, abi: interopHandlerAbi, functionName: 'currentMessage' }),
      'NoMessageInFlight',
    );

    // replay: same proof, or a proof against a later root, is refused
    const args = await expectRevert(execute(m, p), 'AlreadyProcessed');
    expect(args).toEqual([messageLeaf(m), EXECUTED]);
    await network.settle([await sendFromA(recorder, recordCall('0x01'), 200_000n)]);
    await expectRevert(execute(m, network.proof(m, network.currentEpoch)), 'AlreadyProcessed');
    expect(await readRecorder<bigint>('calls')).toBe(1n);
  });

  describe('refuses a tampered inclusion proof', () => {
    let m: InteropMessage;
    let p: InclusionProof;
    beforeAll(async () => {
      const ms = [
        await sendFromA(recorder, recordCall('0xaa'), 100_000n),
        await sendFromA(recorder, recordCall('0xbb'), 100_000n),
        await sendFromA(recorder, recordCall('0xcc'), 100_000n),
      ];
      await network.settle(ms);
      m = ms[1]!;
      p = network.proof(m);
    });
    const flip = (x: bigint) => x ^ 1n;

    it('keccak path, Poseidon paths, slot, batch number, leaf index', async () => {
      const batchPath = [...p.batchPath];
      batchPath[0] = toHex(BigInt(batchPath[0]!) ^ 1n, { size: 32 });
      await expectRevert(execute(m, { ...p, batchPath }), 'InvalidInclusionProof');
      const chainPath = [...p.chainPath];
      chainPath[1] = flip(chainPath[1]!);
      await expectRevert(execute(m, { ...p, chainPath }), 'InvalidInclusionProof');
      const sharedPath = [...p.sharedPath];
      sharedPath[0] = flip(sharedPath[0]!);
      await expectRevert(execute(m, { ...p, sharedPath }), 'InvalidInclusionProof');
      await expectRevert(execute(m, { ...p, slot: p.slot + 1 }), 'InvalidInclusionProof');
      await expectRevert(execute(m, { ...p, batchNumber: p.batchNumber + 1n }), 'InvalidInclusionProof');
      await expectRevert(execute(m, { ...p, leafIndex: p.leafIndex + 1 }), 'InvalidInclusionProof');
      await expectRevert(execute(m, { ...p, leafIndex: 2 ** 16 + p.leafIndex }), 'IndexOutOfRange');
      await expectRevert(execute(m, { ...p, slot: 2 ** NETWORK_DEPTHS.sharedDepth }), 'IndexOutOfRange');
    });
    it('path lengths, non-canonical siblings, unknown epoch', async () => {
      await expectRevert(execute(m, { ...p, batchPath: p.batchPath.slice(1) }), 'InvalidPathLength');
      await expectRevert(execute(m, { ...p, chainPath: [...p.chainPath, 0n] }), 'InvalidPathLength');
      await expectRevert(execute(m, { ...p, sharedPath: [] }), 'InvalidPathLength');
      const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
      await expectRevert(
        execute(m, { ...p, chainPath: [p.chainPath[0]! + r, ...p.chainPath.slice(1)] }),
        'NonCanonicalFieldElement',
      );
      await expectRevert(execute(m, { ...p, epoch: network.currentEpoch + 5n }), 'UnknownEpoch');
      await expectRevert(execute(m, { ...p, epoch: p.epoch - 1n }), 'InvalidInclusionProof');
    });
    it('a tampered message (amount, recipient, source chain)', async () => {
      await expectRevert(execute({ ...m, amount: 1n }, p), 'InvalidInclusionProof');
      await expectRevert(execute({ ...m, gasLimit: m.gasLimit + 1n }, p), 'InvalidInclusionProof');
      await expectRevert(execute({ ...m, recipient: reentrant }, p), 'InvalidInclusionProof');
      await expectRevert(execute({ ...m, srcChainId: 504n }, p), 'InvalidInclusionProof');
    });
    it('and the untampered proof still executes; the second message of the batch skips the Poseidon paths', async () => {
      const first = await executed(m, p);
      expect(parseEventLogs({ abi: interopHandlerAbi, logs: first.logs, eventName: 'BatchProven' })).toHaveLength(1);
      const sibling = network.proof({ ...m, nonce: m.nonce + 1n, payload: recordCall('0xcc') });
      const next = { ...m, nonce: m.nonce + 1n, payload: recordCall('0xcc') };
      expect(messageLeaf(next)).not.toBe(messageLeaf(m));
      const second = await executed(next, sibling);
      expect(parseEventLogs({ abi: interopHandlerAbi, logs: second.logs, eventName: 'BatchProven' })).toHaveLength(0);
      expect(second.gasUsed).toBeLessThan(first.gasUsed);
      expect(
        await b.publicClient.readContract({
          address: handlerB,
          abi: interopHandlerAbi,
          functionName: 'isBatchProven',
          args: [
            BigInt(A),
            p.batchNumber,
            (await import('@interop/protocol')).computeBatchRoot(messageLeaf(m), p.leafIndex, p.batchPath),
          ],
        }),
      ).toBe(true);
    });
  });

  it('records a failed call as FAILED without reverting, refuses to re-execute it, and lets anyone retry it', async () => {
    await writeFixture(recorder, 'CallRecorder', 'setShouldFail', [true]);
    const bad = await sendFromA(recorder, recordCall('0xbad0'), 150_000n);
    const good = await sendFromA(recorder, recordCall('0x600d'), 150_000n);
    await network.settle([bad, good]);
    const callsBefore = await readRecorder<bigint>('calls');

    const receipt = await executed(bad, network.proof(bad));
    const [failed] = parseEventLogs({ abi: interopHandlerAbi, logs: receipt.logs, eventName: 'MessageFailed' });
    expect(failed?.args.messageId).toBe(messageLeaf(bad));
    const reason = decodeErrorResult({ abi: recorderAbi(), data: failed!.args.reason });
    expect(reason).toMatchObject({ errorName: 'Refused', args: [42n] });
    expect(await status(bad)).toBe(FAILED);
    const args = await expectRevert(execute(bad, network.proof(bad)), 'AlreadyProcessed');
    expect(args).toEqual([messageLeaf(bad), FAILED]);
    // a failed retry reverts and changes nothing
    await expectRevert(
      b.wallets[6]!.writeContract({
        address: handlerB,
        abi: interopHandlerAbi,
        functionName: 'retryMessage',
        args: [bad],
      }),
      'RetryFailed',
    );
    expect(await status(bad)).toBe(FAILED);

    await writeFixture(recorder, 'CallRecorder', 'setShouldFail', [false]);
    // the failure did not block the other message of the batch
    await executed(good, network.proof(good));
    const hash = await b.wallets[6]!.writeContract({
      address: handlerB,
      abi: interopHandlerAbi,
      functionName: 'retryMessage',
      args: [bad],
    });
    const retried = await b.publicClient.waitForTransactionReceipt({ hash });
    const [done] = parseEventLogs({ abi: interopHandlerAbi, logs: retried.logs, eventName: 'MessageExecuted' });
    expect(done?.args.retried).toBe(true);
    expect(await status(bad)).toBe(EXECUTED);
    expect(await readRecorder<bigint>('calls')).toBe(callsBefore + 2n);
    const notFailed = await expectRevert(
      b.wallets[6]!.writeContract({
        address: handlerB,
        abi: interopHandlerAbi,
        functionName: 'retryMessage',
        args: [bad],
      }),
      'NotFailed',
    );
    expect(notFailed).toEqual([messageLeaf(bad), EXECUTED]);
    // a message never executed cannot be "retried" (that would skip the proof)
    const fresh = await sendFromA(recorder, recordCall('0x02'), 100_000n);
    await expectRevert(
      b.wallets[6]!.writeContract({
        address: handlerB,
        abi: interopHandlerAbi,
        functionName: 'retryMessage',
        args: [fresh],
      }),
      'NotFailed',
    );
  });

  it('gives the recipient exactly gasLimit: an out-of-gas recipient fails alone; a relayer cannot starve it', async () => {
    const hog = await sendFromA(
      recorder,
      encodeFunctionData({ abi: recorderAbi(), functionName: 'burnGas' }),
      100_000n,
    );
    const big = await sendFromA(recorder, recordCall('0x03'), 3_000_000n);
    await network.settle([hog, big]);
    const receipt = await executed(hog, network.proof(hog));
    expect(parseEventLogs({ abi: interopHandlerAbi, logs: receipt.logs, eventName: 'MessageFailed' })).toHaveLength(1);
    expect(await status(hog)).toBe(FAILED);
    // the relayer sends less gas than the message's gasLimit needs: the whole transaction reverts, status unchanged
    const hash = await execute(big, network.proof(big), relayer(), 1_500_000n);
    expect((await b.publicClient.waitForTransactionReceipt({ hash })).status).toBe('reverted');
    expect(await status(big)).toBe(NONE);
    await executed(big, network.proof(big));
    expect(await status(big)).toBe(EXECUTED);
  });

  it('executes several messages in one transaction, skipping those already processed', async () => {
    const ms = [
      await sendFromA(recorder, recordCall('0x10'), 100_000n),
      await sendFromA(recorder, recordCall('0x11'), 100_000n),
      await sendFromA(recorder, recordCall('0x12'), 100_000n),
    ];
    await network.settle(ms);
    await executed(ms[0]!, network.proof(ms[0]!));
    const hash = await relayer().writeContract({
      address: handlerB,
      abi: interopHandlerAbi,
      functionName: 'executeMessages',
      args: [ms, ms.map((m) => network.proof(m))],
    });
    const receipt = await b.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    const done = parseEventLogs({ abi: interopHandlerAbi, logs: receipt.logs, eventName: 'MessageExecuted' });
    expect(done.map((l) => l.args.messageId)).toEqual([messageLeaf(ms[1]!), messageLeaf(ms[2]!)]);
    for (const m of ms) expect(await status(m)).toBe(EXECUTED);
    await expectRevert(
      relayer().writeContract({
        address: handlerB,
        abi: interopHandlerAbi,
        functionName: 'executeMessages',
        args: [ms, []],
      }),
      'LengthMismatch',
    );
  });

  it('refuses a message for another chain, a CALL to the vault, and sources outside the inbound allowlist', async () => {
    const elsewhere = await sendFromA(recorder, recordCall('0x20'), 100_000n, C);
    const toVault = await sendFromA(vaultB, '0x', 100_000n);
    const fine = await sendFromA(recorder, recordCall('0x21'), 100_000n);
    await network.settle([elsewhere, toVault, fine]);
    const args = await expectRevert(execute(elsewhere, network.proof(elsewhere)), 'WrongDestination');
    expect(args).toEqual([BigInt(B), C]);
    await expectRevert(execute(toVault, network.proof(toVault)), 'ForbiddenRecipient');

    await writeHandler('setSourceAllowlistEnabled', [true]);
    const refused = await expectRevert(execute(fine, network.proof(fine)), 'SourceNotAllowed');
    expect(refused).toEqual([BigInt(A)]);
    await writeHandler('setSourceAllowed', [BigInt(A), true]);
    await executed(fine, network.proof(fine));
    await writeHandler('setSourceAllowlistEnabled', [false]);
  });

  it('cannot be re-entered: a recipient calling back into the handler fails, and executes once when retried', async () => {
    const attack = encodeFunctionData({ abi: fixtureAbi('ReentrantReceiver'), functionName: 'attack' });
    const m = await sendFromA(reentrant, attack, 300_000n);
    await network.settle([m]);
    const p = network.proof(m);
    const handlerCall = (functionName: string, args: readonly unknown[]) =>
      encodeFunctionData({ abi: looseAbi(interopHandlerAbi), functionName, args });

    // 1) the recipient tries to execute the same message again from inside its own delivery
    await writeFixture(reentrant, 'ReentrantReceiver', 'setReentryCall', [handlerCall('executeMessage', [m, p])]);
    const receipt = await executed(m, p);
    const [failed] = parseEventLogs({ abi: interopHandlerAbi, logs: receipt.logs, eventName: 'MessageFailed' });
    expect(decodeErrorResult({ abi: interopHandlerAbi, data: failed!.args.reason }).errorName).toBe('Reentrancy');
    expect(await status(m)).toBe(FAILED);
    expect(await readRecorder<bigint>('calls', reentrant)).toBe(0n);

    // 2) ... or to retry it from inside the retry
    await writeFixture(reentrant, 'ReentrantReceiver', 'setReentryCall', [handlerCall('retryMessage', [m])]);
    await expectRevert(
      b.wallets[6]!.writeContract({
        address: handlerB,
        abi: interopHandlerAbi,
        functionName: 'retryMessage',
        args: [m],
      }),
      'RetryFailed',
    );
    expect(await status(m)).toBe(FAILED);

    // 3) a harmless callback (reading the context) succeeds: executed exactly once
    await writeFixture(reentrant, 'ReentrantReceiver', 'setReentryCall', [handlerCall('currentMessage', [])]);
    const hash = await b.wallets[6]!.writeContract({
      address: handlerB,
      abi: interopHandlerAbi,
      functionName: 'retryMessage',
      args: [m],
    });
    expect((await b.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success');
    expect(await status(m)).toBe(EXECUTED);
    expect(await readRecorder<bigint>('calls', reentrant)).toBe(1n);
    await expectRevert(execute(m, p), 'AlreadyProcessed');
  });

  it('imports shared roots only from the operator, with increasing epochs', async () => {
    const epoch = network.currentEpoch;
    const root = toHex(12345n, { size: 32 });
    await expectRevert(
      b.wallets[5]!.writeContract({
        address: handlerB,
        abi: interopHandlerAbi,
        functionName: 'importSharedRoot',
        args: [epoch + 1n, root],
      }),
      'Unauthorized',
    );
    const args = await expectRevert(
      b.wallets[0]!.writeContract({
        address: handlerB,
        abi: interopHandlerAbi,
        functionName: 'importSharedRoot',
        args: [epoch, root],
      }),
      'EpochNotIncreasing',
    );
    expect(args).toEqual([epoch, epoch]);
    await expectRevert(
      b.wallets[0]!.writeContract({
        address: handlerB,
        abi: interopHandlerAbi,
        functionName: 'importSharedRoot',
        args: [epoch + 1n, `0x${'0'.repeat(64)}`],
      }),
      'ZeroRoot',
    );
    await expectRevert(
      b.wallets[5]!.writeContract({
        address: handlerB,
        abi: interopHandlerAbi,
        functionName: 'setSourceAllowlistEnabled',
        args: [true],
      }),
      'Unauthorized',
    );
    await expectRevert(
      b.wallets[0]!.writeContract({
        address: handlerB,
        abi: interopHandlerAbi,
        functionName: 'setVault',
        args: [getAddress(recorder)],
      }),
      'VaultAlreadySet',
    );
  });
});
