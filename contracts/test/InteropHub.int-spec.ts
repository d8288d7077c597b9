import { keccak256, parseEventLogs, toHex, type Address, type Hex } from 'viem';
import {
  AggregationState,
  interopHubDomain,
  signBatchRoot,
  TEST_CHAIN_DEPTH,
  TEST_K,
  TEST_SHARED_DEPTH,
  updatesCommitment,
  type BatchRootCommitment,
} from '@interop/protocol';
import { deployInteropHub, interopHubAbi } from '@interop/contracts';
import { ANVIL_PRIVATE_KEYS } from '../../libs/infra/src/testing/anvil';
import { deployFixture, fixtureAbi } from './helpers/fixtures';
import { expectRevert } from './helpers/expectRevert';
import { looseAbi } from './helpers/looseAbi';
import { startTestChain, type TestChain } from './helpers/testChain';

jest.setTimeout(120_000);

const L1_CHAIN_ID = 900;
const CHAIN_A = 501n;
const CHAIN_B = 502n;
const OPERATOR_A = ANVIL_PRIVATE_KEYS[1];
const OPERATOR_B = ANVIL_PRIVATE_KEYS[2];
const NO_PROOF = {
  a: [0n, 0n],
  b: [
    [0n, 0n],
    [0n, 0n],
  ],
  c: [0n, 0n],
} as const;

type L1Update = BatchRootCommitment;

describe('InteropHub (L1) on anvil', () => {
  let l1: TestChain;
  let hub: Address;
  let verifier: Address;
  let operatorA: Address;
  let operatorB: Address;
  const state = new AggregationState({ chainDepth: TEST_CHAIN_DEPTH, sharedDepth: TEST_SHARED_DEPTH });
  const slots = new Map<bigint, number>();

  const admin = () => l1.wallets[0]!;
  const read = <T>(functionName: string, args: readonly unknown[] = []): Promise<T> =>
    l1.publicClient.readContract({ address: hub, abi: looseAbi(interopHubAbi), functionName, args }) as Promise<T>;

  const update = (chainId: bigint, batchNumber: bigint, tag: string): L1Update => ({
    chainId,
    batchNumber,
    batchRoot: keccak256(toHex(`batch ${chainId}/${batchNumber}/${tag}`)),
    messageCount: 3,
    firstBlock: 10n * batchNumber + 1n,
    lastBlock: 10n * batchNumber + 9n,
  });
  const sign = (key: Hex, u: L1Update, verifyingContract: Address = hub): Promise<Hex> =>
    signBatchRoot(key, interopHubDomain(BigInt(L1_CHAIN_ID), verifyingContract), u);

  /** What the aggregator would prove for `updates` (on a copy, so a rejected submission leaves `state` as is). */
  const prove = (updates: L1Update[]) => {
    const next = state.clone();
    const step = next.apply(
      updates.map((u) => ({
        slot: slots.get(u.chainId)!,
        chainId: u.chainId,
        batchNumber: u.batchNumber,
        batchRoot: u.batchRoot,
      })),
      TEST_K,
    );
    return { next, step };
  };
  const expectInputs = async (inputs: readonly [bigint, bigint, bigint]) => {
    const hash = await admin().writeContract({
      address: verifier,
      abi: fixtureAbi('ExpectInputsVerifier'),
      functionName: 'expect',
      args: [inputs],
    });
    await l1.publicClient.waitForTransactionReceipt({ hash });
  };
  const submit = (
    epoch: bigint,
    prevRoot: Hex,
    newRoot: Hex,
    updates: L1Update[],
    signatures: Hex[],
    wallet = admin(),
  ) =>
    wallet.writeContract({
      address: hub,
      abi: interopHubAbi,
      functionName: 'submitRoot',
      args: [epoch, prevRoot, newRoot, updates, signatures, NO_PROOF],
    });
  const b32 = (x: bigint): Hex => toHex(x, { size: 32 });

  beforeAll(async () => {
    l1 = await startTestChain(L1_CHAIN_ID);
    operatorA = l1.wallets[1]!.account.address;
    operatorB = l1.wallets[2]!.account.address;
    verifier = await deployFixture(admin(), l1.publicClient, 'ExpectInputsVerifier');
    ({ address: hub } = await deployInteropHub(
      { walletClient: admin(), publicClient: l1.publicClient },
      { verifier, sharedDepth: TEST_SHARED_DEPTH, k: TEST_K },
    ));
  });
  afterAll(async () => {
    await l1?.stop();
  });

  it('starts at epoch 0 with the empty shared root of libs/protocol', async () => {
    expect(await read<bigint>('epoch')).toBe(0n);
    expect(await read<Hex>('sharedRoot')).toBe(b32(state.sharedRoot));
    expect(await read<Hex>('rootAt', [0n])).toBe(b32(state.sharedRoot));
    expect(await read<Hex>('GENESIS_ROOT')).toBe(b32(state.sharedRoot));
  });

  it('registers chains in consecutive slots and refuses duplicates and strangers', async () => {
    for (const [chainId, operator] of [
      [CHAIN_A, operatorA],
      [CHAIN_B, operatorB],
    ] as const) {
      const hash = await admin().writeContract({
        address: hub,
        abi: interopHubAbi,
        functionName: 'registerChain',
        args: [chainId, operator],
      });
      const receipt = await l1.publicClient.waitForTransactionReceipt({ hash });
      const [log] = parseEventLogs({ abi: interopHubAbi, logs: receipt.logs, eventName: 'ChainRegistered' });
      expect(log?.args).toEqual({ chainId, slot: slots.size, operator });
      slots.set(chainId, slots.size);
    }
    const info = await read<{
      operator: Address;
      slot: number;
      registered: boolean;
      paused: boolean;
      nextBatchNumber: bigint;
    }>('getChain', [CHAIN_B]);
    expect(info).toEqual({ operator: operatorB, slot: 1, registered: true, paused: false, nextBatchNumber: 0n });
    expect(await read<bigint>('chainIdAtSlot', [1])).toBe(CHAIN_B);
    // registering does not change the shared root
    expect(await read<Hex>('sharedRoot')).toBe(b32(state.sharedRoot));

    await expectRevert(
      admin().writeContract({
        address: hub,
        abi: interopHubAbi,
        functionName: 'registerChain',
        args: [CHAIN_A, operatorA],
      }),
      'ChainAlreadyRegistered',
    );
    await expectRevert(
      l1.wallets[5]!.writeContract({
        address: hub,
        abi: interopHubAbi,
        functionName: 'registerChain',
        args: [777n, operatorA],
      }),
      'Unauthorized',
    );
  });

  it('accepts signed consecutive batches whose proof inputs match, and records the root history', async () => {
    const updates = [update(CHAIN_A, 0n, 'x'), update(CHAIN_B, 0n, 'x')];
    const signatures = [await sign(OPERATOR_A, updates[0]!), await sign(OPERATOR_B, updates[1]!)];
    const { next, step } = prove(updates);
    // the commitment InteropHub computes must be the one libs/protocol (and the circuit) computes
    expect(step.commitment).toBe(
      updatesCommitment(
        updates.map((u) => ({
          slot: slots.get(u.chainId)!,
          chainId: u.chainId,
          batchNumber: u.batchNumber,
          batchRoot: u.batchRoot,
        })),
      ),
    );
    await expectInputs([step.oldRoot, step.newRoot, step.commitment]);

    const hash = await submit(1n, b32(step.oldRoot), b32(step.newRoot), updates, signatures);
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    const settled = parseEventLogs({ abi: interopHubAbi, logs: receipt.logs, eventName: 'BatchSettled' });
    expect(settled.map((l) => l.args)).toEqual(
      updates.map((u) => ({ chainId: u.chainId, batchNumber: u.batchNumber, batchRoot: u.batchRoot, epoch: 1n })),
    );
    const [submitted] = parseEventLogs({ abi: interopHubAbi, logs: receipt.logs, eventName: 'RootSubmitted' });
    expect(submitted?.args).toEqual({
      epoch: 1n,
      prevRoot: b32(step.oldRoot),
      newRoot: b32(step.newRoot),
      updatesCount: 2n,
    });
    expect(await read<bigint>('epoch')).toBe(1n);
    expect(await read<Hex>('sharedRoot')).toBe(b32(step.newRoot));
    expect(await read<Hex>('rootAt', [1n])).toBe(b32(step.newRoot));
    expect(await read<Hex>('rootAt', [0n])).toBe(b32(step.oldRoot));
    expect((await read<{ nextBatchNumber: bigint }>('getChain', [CHAIN_A])).nextBatchNumber).toBe(1n);
    // the view the hub app can use to feed the prover agrees too
    expect(await read<bigint>('updatesCommitment', [updates])).toBe(step.commitment);
    state.apply(
      updates.map((u) => ({
        slot: slots.get(u.chainId)!,
        chainId: u.chainId,
        batchNumber: u.batchNumber,
        batchRoot: u.batchRoot,
      })),
      TEST_K,
    );
    expect(state.sharedRoot).toBe(next.sharedRoot);
  });

  it('accepts several consecutive batches of one chain in one submission', async () => {
    const updates = [update(CHAIN_A, 1n, 'x'), update(CHAIN_A, 2n, 'x')];
    const signatures = [await sign(OPERATOR_A, updates[0]!), await sign(OPERATOR_A, updates[1]!)];
    const { next, step } = prove(updates);
    await expectInputs([step.oldRoot, step.newRoot, step.commitment]);
    const hash = await submit(2n, b32(step.oldRoot), b32(step.newRoot), updates, signatures);
    expect((await l1.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success');
    expect((await read<{ nextBatchNumber: bigint }>('getChain', [CHAIN_A])).nextBatchNumber).toBe(3n);
    state.apply(
      updates.map((u) => ({ slot: 0, chainId: u.chainId, batchNumber: u.batchNumber, batchRoot: u.batchRoot })),
      TEST_K,
    );
    expect(await read<Hex>('sharedRoot')).toBe(b32(next.sharedRoot));
  });

  describe('refuses', () => {
    let good: { updates: L1Update[]; signatures: Hex[]; prev: Hex; next: Hex };
    beforeAll(async () => {
      const updates = [update(CHAIN_B, 1n, 'r')];
      const signatures = [await sign(OPERATOR_B, updates[0]!)];
      const { step } = prove(updates);
      await expectInputs([step.oldRoot, step.newRoot, step.commitment]);
      good = { updates, signatures, prev: b32(step.oldRoot), next: b32(step.newRoot) };
    });
    const epoch = async () => (await read<bigint>('epoch')) + 1n;

    it('the valid submission the refusals below start from passes (sanity)', async () => {
      // simulate only: the refusal tests below all start from this valid submission and change one thing
      await expect(
        l1.publicClient.simulateContract({
          account: admin().account,
          address: hub,
          abi: interopHubAbi,
          functionName: 'submitRoot',
          args: [await epoch(), good.prev, good.next, good.updates, good.signatures, NO_PROOF],
        }),
      ).resolves.toBeDefined();
    });
    it('a wrong epoch', async () => {
      const args = await expectRevert(
        submit((await epoch()) + 1n, good.prev, good.next, good.updates, good.signatures),
        'WrongEpoch',
      );
      expect(args).toEqual([await epoch(), (await epoch()) + 1n]);
      await expectRevert(
        submit((await epoch()) - 1n, good.prev, good.next, good.updates, good.signatures),
        'WrongEpoch',
      );
    });
    it('a wrong prevRoot', async () => {
      await expectRevert(
        submit(await epoch(), b32(state.sharedRoot + 1n), good.next, good.updates, good.signatures),
        'WrongPrevRoot',
      );
      await expectRevert(
        submit(await epoch(), await read<Hex>('rootAt', [0n]), good.next, good.updates, good.signatures),
        'WrongPrevRoot',
      );
    });
    it('a non-consecutive batch (gap, replay of a settled batch)', async () => {
      const gap = update(CHAIN_B, 2n, 'r');
      const args = await expectRevert(
        submit(await epoch(), good.prev, good.next, [gap], [await sign(OPERATOR_B, gap)]),
        'NonConsecutiveBatch',
      );
      expect(args).toEqual([CHAIN_B, 1n, 2n]);
      const replay = update(CHAIN_A, 0n, 'x');
      await expectRevert(
        submit(await epoch(), good.prev, good.next, [replay], [await sign(OPERATOR_A, replay)]),
        'NonConsecutiveBatch',
      );
      const outOfOrder = [update(CHAIN_A, 4n, 'r'), update(CHAIN_A, 3n, 'r')];
      await expectRevert(
        submit(await epoch(), good.prev, good.next, outOfOrder, [
          await sign(OPERATOR_A, outOfOrder[0]!),
          await sign(OPERATOR_A, outOfOrder[1]!),
        ]),
        'NonConsecutiveBatch',
      );
    });
    it('a forged signature (another key, another chain operator, another hub, tampered field)', async () => {
      const u = good.updates[0]!;
      const args = await expectRevert(
        submit(await epoch(), good.prev, good.next, [u], [await sign(ANVIL_PRIVATE_KEYS[7], u)]),
        'InvalidSignature',
      );
      expect(args).toEqual([0n, CHAIN_B, l1.wallets[7]!.account.address]);
      await expectRevert(
        submit(await epoch(), good.prev, good.next, [u], [await sign(OPERATOR_A, u)]),
        'InvalidSignature',
      );
      await expectRevert(
        submit(
          await epoch(),
          good.prev,
          good.next,
          [u],
          [await sign(OPERATOR_B, u, '0x000000000000000000000000000000000000dEaD')],
        ),
        'InvalidSignature',
      );
      const tampered = { ...u, messageCount: u.messageCount + 1 };
      await expectRevert(submit(await epoch(), good.prev, good.next, [tampered], good.signatures), 'InvalidSignature');
    });
    it('a missing or malformed signature', async () => {
      await expectRevert(submit(await epoch(), good.prev, good.next, good.updates, []), 'SignatureCountMismatch');
      await expectRevert(submit(await epoch(), good.prev, good.next, good.updates, ['0x']), 'InvalidSignatureLength');
      await expectRevert(
        submit(await epoch(), good.prev, good.next, good.updates, [good.signatures[0]!.slice(0, 130) as Hex]),
        'InvalidSignatureLength',
      );
    });
    it('a malleable (high-s) twin of a valid signature', async () => {
      const sig = good.signatures[0]!;
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const s = BigInt(`0x${sig.slice(66, 130)}`);
      const v = parseInt(sig.slice(130, 132), 16);
      const twin =
        `${sig.slice(0, 66)}${toHex(n - s, { size: 32 }).slice(2)}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
      await expectRevert(submit(await epoch(), good.prev, good.next, good.updates, [twin]), 'InvalidSignatureS');
    });
    it('an unregistered chain, a paused chain, too many or no updates', async () => {
      const stranger = update(999n, 0n, 'r');
      await expectRevert(
        submit(await epoch(), good.prev, good.next, [stranger], [await sign(OPERATOR_A, stranger)]),
        'ChainNotRegistered',
      );
      // One more update than the circuit's K.
      const tooMany = Array.from({ length: TEST_K + 1 }, (_, i) => update(CHAIN_B, BigInt(i + 1), 'r'));
      const args = await expectRevert(
        submit(
          await epoch(),
          good.prev,
          good.next,
          tooMany,
          await Promise.all(tooMany.map((u) => sign(OPERATOR_B, u))),
        ),
        'InvalidUpdateCount',
      );
      expect(args).toEqual([BigInt(TEST_K + 1), BigInt(TEST_K)]);
      await expectRevert(submit(await epoch(), good.prev, good.next, [], []), 'InvalidUpdateCount');

      const pause = await admin().writeContract({
        address: hub,
        abi: interopHubAbi,
        functionName: 'pauseChain',
        args: [CHAIN_B],
      });
      await l1.publicClient.waitForTransactionReceipt({ hash: pause });
      await expectRevert(submit(await epoch(), good.prev, good.next, good.updates, good.signatures), 'ChainIsPaused');
      const resume = await admin().writeContract({
        address: hub,
        abi: interopHubAbi,
        functionName: 'resumeChain',
        args: [CHAIN_B],
      });
      await l1.publicClient.waitForTransactionReceipt({ hash: resume });
      await expectRevert(
        admin().writeContract({ address: hub, abi: interopHubAbi, functionName: 'resumeChain', args: [CHAIN_B] }),
        'ChainNotPaused',
      );
    });
    it('a proof the verifier rejects (wrong new root or tampered public input)', async () => {
      await expectRevert(
        submit(await epoch(), good.prev, b32(BigInt(good.next) + 1n), good.updates, good.signatures),
        'InvalidProof',
      );
      // same roots, different batch root: the commitment (third public input) changes
      const other = update(CHAIN_B, 1n, 'other');
      await expectRevert(
        submit(await epoch(), good.prev, good.next, [other], [await sign(OPERATOR_B, other)]),
        'InvalidProof',
      );
    });
    it('a caller without SUBMITTER_ROLE, and non-admins managing chains', async () => {
      await expectRevert(
        submit(await epoch(), good.prev, good.next, good.updates, good.signatures, l1.wallets[3]),
        'Unauthorized',
      );
      for (const [functionName, args] of [
        ['pauseChain', [CHAIN_A]],
        ['setOperator', [CHAIN_A, l1.wallets[3]!.account.address]],
      ] as const) {
        await expectRevert(
          l1.wallets[3]!.writeContract({ address: hub, abi: looseAbi(interopHubAbi), functionName, args }),
          'Unauthorized',
        );
      }
    });
    it('finally accepts the unchanged valid submission', async () => {
      const hash = await submit(await epoch(), good.prev, good.next, good.updates, good.signatures);
      expect((await l1.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success');
      state.apply([{ slot: 1, chainId: CHAIN_B, batchNumber: 1n, batchRoot: good.updates[0]!.batchRoot }], TEST_K);
      expect(await read<Hex>('sharedRoot')).toBe(b32(state.sharedRoot));
    });
  });

  it('rotates an operator: the old key is refused, the new one accepted', async () => {
    const newKey = ANVIL_PRIVATE_KEYS[4];
    const newOperator = l1.wallets[4]!.account.address;
    const hash = await admin().writeContract({
      address: hub,
      abi: interopHubAbi,
      functionName: 'setOperator',
      args: [CHAIN_A, newOperator],
    });
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash });
    const [log] = parseEventLogs({ abi: interopHubAbi, logs: receipt.logs, eventName: 'OperatorChanged' });
    expect(log?.args).toEqual({ chainId: CHAIN_A, previousOperator: operatorA, newOperator });

    const u = update(CHAIN_A, 3n, 'rot');
    const { step } = prove([u]);
    await expectInputs([step.oldRoot, step.newRoot, step.commitment]);
    const epoch = (await read<bigint>('epoch')) + 1n;
    await expectRevert(
      submit(epoch, b32(step.oldRoot), b32(step.newRoot), [u], [await sign(OPERATOR_A, u)]),
      'InvalidSignature',
    );
    const ok = await submit(epoch, b32(step.oldRoot), b32(step.newRoot), [u], [await sign(newKey, u)]);
    expect((await l1.publicClient.waitForTransactionReceipt({ hash: ok })).status).toBe('success');
  });

  it('stops registering when every slot of the shared tree is taken', async () => {
    const capacity = 2 ** TEST_SHARED_DEPTH;
    for (let i = slots.size; i < capacity; i++) {
      const hash = await admin().writeContract({
        address: hub,
        abi: interopHubAbi,
        functionName: 'registerChain',
        args: [600n + BigInt(i), operatorA],
      });
      await l1.publicClient.waitForTransactionReceipt({ hash });
    }
    const args = await expectRevert(
      admin().writeContract({
        address: hub,
        abi: interopHubAbi,
        functionName: 'registerChain',
        args: [700n, operatorA],
      }),
      'RegistryFull',
    );
    expect(args).toEqual([capacity]);
  });

  it('refuses every proof with a verifier that rejects everything', async () => {
    const reject = await deployFixture(admin(), l1.publicClient, 'RejectAllVerifier');
    const { address } = await deployInteropHub(
      { walletClient: admin(), publicClient: l1.publicClient },
      { verifier: reject, sharedDepth: TEST_SHARED_DEPTH, k: TEST_K },
    );
    const register = await admin().writeContract({
      address,
      abi: interopHubAbi,
      functionName: 'registerChain',
      args: [CHAIN_A, operatorA],
    });
    await l1.publicClient.waitForTransactionReceipt({ hash: register });
    const u = update(CHAIN_A, 0n, 'rej');
    const genesis = await l1.publicClient.readContract({
      address,
      abi: interopHubAbi,
      functionName: 'sharedRoot',
    });
    await expectRevert(
      admin().writeContract({
        address,
        abi: interopHubAbi,
        functionName: 'submitRoot',
        args: [1n, genesis, genesis, [u], [await sign(OPERATOR_A, u, address)], NO_PROOF],
      }),
      'InvalidProof',
    );
  });
});
