import {
  BaseError,
  decodeErrorResult,
  encodeDeployData,
  getAddress,
  hashDomain,
  parseEventLogs,
  toHex,
  zeroAddress,
  type Address,
  type Hex,
  type TransactionReceipt,
} from 'viem';
import {
  AggregationState,
  BN254_FIELD_ORDER,
  CHAIN_DEPTH,
  interopHubDomain,
  PRODUCTION_SHAPES,
  SHARED_DEPTH,
  shapeId,
  signBatchRoot,
  type BatchRootCommitment,
  type EpochPublicSignals,
} from '@interop/protocol';
import { deployInteropHub, interopHubAbi, interopHubBytecode, type SubmitRootArgs } from '@interop/contracts';
import { ANVIL_PRIVATE_KEYS } from '../../libs/infra/src/testing/anvil';
import { argsOf, operatorSigner, prepareEpoch, rootOf, type BatchSpec, type PreparedEpoch } from './helpers/epochs';
import { deployFixture, fixtureAbi } from './helpers/fixtures';
import { expectRevert } from './helpers/expectRevert';
import { looseAbi } from './helpers/looseAbi';
import { startTestChain, type TestChain } from './helpers/testChain';

jest.setTimeout(180_000);

const L1_CHAIN_ID = 900;
const A = 501n;
const B = 502n;
const C = 503n;
const OPERATOR_KEYS = new Map<bigint, Hex>([
  [A, ANVIL_PRIVATE_KEYS[1]],
  [B, ANVIL_PRIVATE_KEYS[2]],
  [C, ANVIL_PRIVATE_KEYS[3]],
]);
const S4 = PRODUCTION_SHAPES.s4;
const L32 = PRODUCTION_SHAPES.l32;
const S4_ID = shapeId(S4);
const L32_ID = shapeId(L32);
/** 1 x 4: a shape that is added, retired and added again. */
const SPARE = { groups: 1, groupSize: 4 };
const SPARE_ID = 1 * 2 ** 16 + 4;

type Group = SubmitRootArgs[5][number];
/** submitRoot's arguments by name, mutable, to derive a faulty submission from a good one. */
type Submission = {
  epoch: bigint;
  shapeId: number;
  prevRoot: Hex;
  newRoot: Hex;
  dataCommitment: bigint;
  groups: (Omit<Group, 'batchRoots'> & { batchRoots: Hex[] })[];
  proof: SubmitRootArgs[6];
};
const variant = (args: SubmitRootArgs, change: (s: Submission) => void): SubmitRootArgs => {
  const s: Submission = {
    epoch: args[0],
    shapeId: args[1],
    prevRoot: args[2],
    newRoot: args[3],
    dataCommitment: args[4],
    groups: args[5].map((g) => ({ ...g, batchRoots: [...g.batchRoots] })),
    proof: args[6],
  };
  change(s);
  return [s.epoch, s.shapeId, s.prevRoot, s.newRoot, s.dataCommitment, s.groups, s.proof];
};
const b32 = (x: bigint): Hex => toHex(x, { size: 32 });

describe('InteropHub v2 (L1) on anvil', () => {
  let l1: TestChain;
  let hub: Address;
  let expect4: Address;
  let expect32: Address;
  let accept: Address;
  let reject: Address;
  let state = new AggregationState({ chainDepth: CHAIN_DEPTH, sharedDepth: SHARED_DEPTH });
  const slots = new Map<bigint, number>();

  const admin = () => l1.wallets[0]!;
  const read = <T>(functionName: string, args: readonly unknown[] = [], address: Address = hub): Promise<T> =>
    l1.publicClient.readContract({ address, abi: looseAbi(interopHubAbi), functionName, args }) as Promise<T>;
  const mined = async (hash: Hex): Promise<TransactionReceipt> => {
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    return receipt;
  };
  const write = (functionName: string, args: readonly unknown[], wallet = admin(), address: Address = hub) =>
    wallet.writeContract({ address, abi: looseAbi(interopHubAbi), functionName, args });
  const submit = (args: SubmitRootArgs, wallet = admin(), address: Address = hub) =>
    wallet.writeContract({ address, abi: interopHubAbi, functionName: 'submitRoot', args });
  const expectInputs = async (verifier: Address, s: EpochPublicSignals) => {
    await mined(
      await admin().writeContract({
        address: verifier,
        abi: fixtureAbi('ExpectInputsVerifier'),
        functionName: 'expect',
        args: [[s.dataCommitment, s.challenge, s.evaluation]],
      }),
    );
  };
  const sign = (c: BatchRootCommitment) => operatorSigner(L1_CHAIN_ID, hub, OPERATOR_KEYS)(c);
  const prepare = (shape: typeof S4 | typeof L32, batches: BatchSpec[], slotMap: ReadonlyMap<bigint, number> = slots) =>
    prepareEpoch({ state, slots: slotMap, shape, batches, sign });
  const batches = (chainId: bigint, from: number, to: number, tag = 'x'): BatchSpec[] =>
    Array.from({ length: to - from + 1 }, (_, i) => ({ chainId, batchRoot: rootOf(`${tag} ${chainId}/${from + i}`) }));
  const nextEpoch = async () => (await read<bigint>('epoch')) + 1n;
  const nextBatch = async (chainId: bigint) =>
    (await read<{ nextBatchNumber: bigint }>('getChain', [chainId])).nextBatchNumber;
  /** Deploys an InteropHub and returns the error its constructor reverts with (a simulated deployment). */
  const constructorError = async (args: readonly [Address, number, number]): Promise<string> => {
    try {
      await l1.publicClient.call({
        account: admin().account,
        data: encodeDeployData({ abi: interopHubAbi, bytecode: interopHubBytecode, args }),
      });
    } catch (e) {
      const raw =
        e instanceof BaseError ? e.walk((x) => typeof (x as { data?: unknown }).data === 'string') : undefined;
      const data = (raw as { data?: Hex } | null | undefined)?.data;
      if (!data) throw e;
      return decodeErrorResult({ abi: interopHubAbi, data }).errorName;
    }
    throw new Error('the deployment did not revert');
  };
  /** Settles a prepared epoch with the ExpectInputs verifier of its shape set to libs/protocol's public signals. */
  const settle = async (e: PreparedEpoch): Promise<TransactionReceipt> => {
    await expectInputs(e.shapeId === S4_ID ? expect4 : expect32, e.step.publicSignals);
    const receipt = await mined(await submit(argsOf(e, await nextEpoch())));
    state = e.after;
    return receipt;
  };

  beforeAll(async () => {
    l1 = await startTestChain(L1_CHAIN_ID);
    const clients = { walletClient: admin(), publicClient: l1.publicClient };
    ({ address: hub } = await deployInteropHub(clients, { sharedDepth: SHARED_DEPTH, chainDepth: CHAIN_DEPTH }));
    expect4 = await deployFixture(admin(), l1.publicClient, 'ExpectInputsVerifier');
    expect32 = await deployFixture(admin(), l1.publicClient, 'ExpectInputsVerifier');
    accept = await deployFixture(admin(), l1.publicClient, 'AcceptAllVerifier');
    reject = await deployFixture(admin(), l1.publicClient, 'RejectAllVerifier');
  });
  afterAll(async () => {
    await l1?.stop();
  });

  it('starts at epoch 0 with the genesis root of libs/protocol, its depths and the v2 EIP-712 domain', async () => {
    expect(await read<bigint>('epoch')).toBe(0n);
    expect(await read<Hex>('sharedRoot')).toBe(b32(state.sharedRoot));
    expect(await read<Hex>('rootAt', [0n])).toBe(b32(state.sharedRoot));
    expect(await read<Hex>('GENESIS_ROOT')).toBe(b32(state.sharedRoot));
    expect(await read<Hex>('rootAt', [1n])).toBe(b32(0n));
    expect(await read<number>('CHAIN_DEPTH')).toBe(CHAIN_DEPTH);
    expect(await read<number>('SHARED_DEPTH')).toBe(SHARED_DEPTH);
    expect(await read<readonly number[]>('activeShapeIds')).toEqual([]);
    expect(interopHubDomain(L1_CHAIN_ID, hub)).toEqual({
      name: 'InteropHub',
      version: '2',
      chainId: BigInt(L1_CHAIN_ID),
      verifyingContract: hub,
    });
    expect(await read<Hex>('domainSeparator')).toBe(
      hashDomain({
        domain: { name: 'InteropHub', version: '2', chainId: BigInt(L1_CHAIN_ID), verifyingContract: hub },
        types: {
          EIP712Domain: [
            { name: 'name', type: 'string' },
            { name: 'version', type: 'string' },
            { name: 'chainId', type: 'uint256' },
            { name: 'verifyingContract', type: 'address' },
          ],
        },
      }),
    );
  });

  it('refuses depths it cannot hold (InvalidConfig) and a zero admin', async () => {
    const me = admin().account.address;
    for (const [sharedDepth, chainDepth] of [
      [0, 20],
      [25, 20],
      [10, 0],
      [10, 65],
    ] as const) {
      expect(await constructorError([me, sharedDepth, chainDepth])).toBe('InvalidConfig');
    }
    expect(await constructorError([zeroAddress, 10, 20])).toBe('ZeroAddress');
  });

  it('registers chains in consecutive slots and refuses duplicates, chain 0, operator 0 and strangers', async () => {
    for (const chainId of [A, B, C]) {
      const operator = l1.wallets[Number(chainId - 500n)]!.account.address;
      const receipt = await mined(await write('registerChain', [chainId, operator]));
      const [log] = parseEventLogs({ abi: interopHubAbi, logs: receipt.logs, eventName: 'ChainRegistered' });
      expect(log?.args).toEqual({ chainId, slot: slots.size, operator });
      slots.set(chainId, slots.size);
    }
    expect(await read('getChain', [B])).toEqual({
      operator: l1.wallets[2]!.account.address,
      slot: 1,
      registered: true,
      paused: false,
      nextBatchNumber: 0n,
    });
    expect(await read('getChain', [999n])).toEqual({
      operator: zeroAddress,
      slot: 0,
      registered: false,
      paused: false,
      nextBatchNumber: 0n,
    });
    expect(await read<bigint>('chainIdAtSlot', [2])).toBe(C);
    expect(await read<number>('chainCount')).toBe(3);
    expect(await read<Hex>('sharedRoot')).toBe(b32(state.sharedRoot)); // registering does not change the root

    expect(
      await expectRevert(write('registerChain', [A, l1.wallets[1]!.account.address]), 'ChainAlreadyRegistered'),
    ).toEqual([A]);
    await expectRevert(write('registerChain', [0n, l1.wallets[1]!.account.address]), 'InvalidChainId');
    await expectRevert(write('registerChain', [777n, zeroAddress]), 'ZeroAddress');
    await expectRevert(write('registerChain', [777n, l1.wallets[1]!.account.address], l1.wallets[5]), 'Unauthorized');
    await expectRevert(write('pauseChain', [777n]), 'ChainNotRegistered');
  });

  it('adds, retires and re-adds epoch shapes (SHAPE_ADMIN_ROLE), with their events', async () => {
    expect(await read<number>('shapeIdOf', [2, 2])).toBe(S4_ID);
    expect(await read<number>('shapeIdOf', [2, 16])).toBe(L32_ID);
    for (const [groups, groupSize, verifier, id] of [
      [2, 2, expect4, S4_ID],
      [2, 16, expect32, L32_ID],
    ] as const) {
      const receipt = await mined(await write('addShape', [groups, groupSize, verifier]));
      const [log] = parseEventLogs({ abi: interopHubAbi, logs: receipt.logs, eventName: 'ShapeAdded' });
      expect(log?.args).toEqual({ shapeId: id, groups, groupSize, verifier });
    }
    expect(await read('getShape', [S4_ID])).toEqual({ verifier: expect4, groups: 2, groupSize: 2, active: true });
    expect([...(await read<readonly number[]>('activeShapeIds'))].sort()).toEqual([S4_ID, L32_ID].sort());

    // refusals: not a shape, no code, already active, not the shape admin
    for (const [groups, groupSize] of [
      [0, 2],
      [2, 0],
      [2, 1],
      [2, 3],
      [2, 12],
    ] as const) {
      expect(await expectRevert(write('addShape', [groups, groupSize, accept]), 'InvalidShape')).toEqual([
        groups,
        groupSize,
      ]);
    }
    const eoa = l1.wallets[8]!.account.address;
    expect(await expectRevert(write('addShape', [1, 4, eoa]), 'VerifierHasNoCode')).toEqual([eoa]);
    expect(await expectRevert(write('addShape', [2, 2, accept]), 'ShapeAlreadyActive')).toEqual([S4_ID]);
    await expectRevert(write('addShape', [1, 4, accept], l1.wallets[5]), 'Unauthorized');
    await expectRevert(write('retireShape', [S4_ID], l1.wallets[5]), 'Unauthorized');

    // add, retire, retire again, re-add with another verifier, retire (it stays retired for the refusals below)
    await mined(await write('addShape', [SPARE.groups, SPARE.groupSize, accept]));
    const retired = await mined(await write('retireShape', [SPARE_ID]));
    const [log] = parseEventLogs({ abi: interopHubAbi, logs: retired.logs, eventName: 'ShapeRetired' });
    expect(log?.args).toEqual({ shapeId: SPARE_ID, verifier: accept });
    expect(await read('getShape', [SPARE_ID])).toEqual({ verifier: accept, groups: 1, groupSize: 4, active: false });
    expect(await read<readonly number[]>('activeShapeIds')).not.toContain(SPARE_ID);
    expect(await expectRevert(write('retireShape', [SPARE_ID]), 'ShapeNotActive')).toEqual([SPARE_ID]);
    await mined(await write('addShape', [SPARE.groups, SPARE.groupSize, reject]));
    expect(await read('getShape', [SPARE_ID])).toEqual({ verifier: reject, groups: 1, groupSize: 4, active: true });
    expect(await read<readonly number[]>('activeShapeIds')).toContain(SPARE_ID);
    await mined(await write('retireShape', [SPARE_ID]));
    expect([...(await read<readonly number[]>('activeShapeIds'))].sort()).toEqual([S4_ID, L32_ID].sort());
    expect(await read('getShape', [12345])).toEqual({ verifier: zeroAddress, groups: 0, groupSize: 0, active: false });

    // groupSize is bounded by the chain tree (2^CHAIN_DEPTH), and the role can be handed out
    const { address: small } = await deployInteropHub(
      { walletClient: admin(), publicClient: l1.publicClient },
      { sharedDepth: 2, chainDepth: 3 },
    );
    await expectRevert(write('addShape', [1, 16, accept], admin(), small), 'InvalidShape');
    const shapeAdmin = l1.wallets[6]!;
    await expectRevert(write('addShape', [1, 8, accept], shapeAdmin, small), 'Unauthorized');
    await mined(
      await write('grantRole', [await read<Hex>('SHAPE_ADMIN_ROLE'), shapeAdmin.account.address], admin(), small),
    );
    await mined(await write('addShape', [1, 8, accept], shapeAdmin, small));
    expect(await read<readonly number[]>('activeShapeIds', [], small)).toEqual([1 * 2 ** 16 + 8]);
  });

  it('settles an epoch of two chains (s4) with exactly the public signals libs/protocol computes', async () => {
    const e = await prepare(S4, [...batches(A, 0, 0), ...batches(B, 0, 0)]);
    const args = argsOf(e, 1n);
    expect(args[5].map((g) => g.signature.length)).toEqual([132, 132]); // two chains: both groups signed
    // the view computes from the registered slots what submitRoot will give the verifier
    const [challenge, evaluation] = await read<readonly [bigint, bigint]>('epochPublicSignals', [
      S4_ID,
      args[2],
      args[3],
      args[4],
      args[5],
    ]);
    expect({ challenge, evaluation }).toEqual({
      challenge: e.step.publicSignals.challenge,
      evaluation: e.step.publicSignals.evaluation,
    });
    const receipt = await settle(e);

    const settled = parseEventLogs({ abi: interopHubAbi, logs: receipt.logs, eventName: 'ChainSettled' });
    expect(settled.map((l) => l.args)).toEqual(
      e.step.groups.map((g) => ({
        chainId: g.chainId,
        epoch: 1n,
        firstBatch: g.firstBatch,
        chainRoot: b32(g.chainRoot),
        batchRoots: g.batchRoots,
      })),
    );
    const [submitted] = parseEventLogs({ abi: interopHubAbi, logs: receipt.logs, eventName: 'RootSubmitted' });
    expect(submitted?.args).toEqual({
      epoch: 1n,
      prevRoot: b32(e.step.oldRoot),
      newRoot: b32(e.step.newRoot),
      batchCount: 2n,
      shapeId: S4_ID,
    });
    // per group ChainSettled, then RootSubmitted
    expect(receipt.logs.map((l) => l.logIndex)).toEqual([...receipt.logs.map((l) => l.logIndex)].sort((x, y) => x - y));
    expect(submitted!.logIndex).toBeGreaterThan(settled.at(-1)!.logIndex);
    expect(await read<bigint>('epoch')).toBe(1n);
    expect(await read<Hex>('sharedRoot')).toBe(b32(state.sharedRoot));
    expect(await read<Hex>('rootAt', [1n])).toBe(b32(state.sharedRoot));
    expect(await nextBatch(A)).toBe(1n);
    expect(await nextBatch(B)).toBe(1n);
  });

  it('settles one chain in two groups: only its last group is signed', async () => {
    // A1 ends block [0, 2); A2, A3 fill block [2, 4)
    const e = await prepare(S4, batches(A, 1, 3));
    expect(e.step.groups.map((g) => [g.chainId, g.firstBatch, g.batchRoots.length])).toEqual([
      [A, 1n, 1],
      [A, 2n, 2],
    ]);
    const args = argsOf(e, await nextEpoch());
    expect(args[5][0]).toMatchObject({ signature: '0x', messageCount: 0, firstBlock: 0n, lastBlock: 0n });
    expect(args[5][1]!.signature).toBe(e.metadata[2]!.signature);
    const receipt = await settle(e);
    const settled = parseEventLogs({ abi: interopHubAbi, logs: receipt.logs, eventName: 'ChainSettled' });
    expect(settled.map((l) => [l.args.chainId, l.args.firstBatch, l.args.chainRoot])).toEqual(
      e.step.groups.map((g) => [A, g.firstBatch, b32(g.chainRoot)]),
    );
    expect(await nextBatch(A)).toBe(4n);
    expect(await read<Hex>('sharedRoot')).toBe(b32(state.sharedRoot));
  });

  it('settles the large shape (l32): 11 batches of one chain and 15 of another', async () => {
    const e = await prepare(L32, [...batches(A, 4, 14), ...batches(B, 1, 15)]);
    expect(e.step.groups.map((g) => g.batchRoots.length)).toEqual([11, 15]);
    const receipt = await settle(e);
    const [submitted] = parseEventLogs({ abi: interopHubAbi, logs: receipt.logs, eventName: 'RootSubmitted' });
    expect(submitted?.args).toMatchObject({ batchCount: 26n, shapeId: L32_ID });
    expect(await nextBatch(A)).toBe(15n);
    expect(await nextBatch(B)).toBe(16n);
    expect(await read<Hex>('sharedRoot')).toBe(b32(state.sharedRoot));
  });

  describe('refuses', () => {
    // The good submission: C's first batch (slot 2) and B16. Every refusal changes one thing of it.
    let good: PreparedEpoch;
    let args: SubmitRootArgs;
    beforeAll(async () => {
      good = await prepare(S4, [...batches(C, 0, 0, 'r'), ...batches(B, 16, 16, 'r')]);
      await expectInputs(expect4, good.step.publicSignals);
      args = argsOf(good, await nextEpoch());
    });
    const signed = (i: number, c: Partial<BatchRootCommitment>, key?: Hex, verifyingContract: Address = hub) => {
      const commitment = { ...good.commitments[i]!, ...c };
      const k = key ?? OPERATOR_KEYS.get(commitment.chainId)!;
      return signBatchRoot(k, interopHubDomain(L1_CHAIN_ID, verifyingContract), commitment);
    };

    it('(the good submission passes in a simulation)', async () => {
      const { result } = await l1.publicClient.simulateContract({
        account: admin().account,
        address: hub,
        abi: interopHubAbi,
        functionName: 'submitRoot',
        args,
      });
      expect(result).toBeUndefined();
    });

    it('a wrong epoch (WrongEpoch)', async () => {
      const epoch = args[0];
      expect(await expectRevert(submit(variant(args, (s) => (s.epoch = epoch + 1n))), 'WrongEpoch')).toEqual([
        epoch,
        epoch + 1n,
      ]);
      await expectRevert(submit(variant(args, (s) => (s.epoch = epoch - 1n))), 'WrongEpoch');
    });

    it('a wrong prevRoot (WrongPrevRoot)', async () => {
      const genesis = await read<Hex>('rootAt', [0n]);
      expect(await expectRevert(submit(variant(args, (s) => (s.prevRoot = genesis))), 'WrongPrevRoot')).toEqual([
        args[2],
        genesis,
      ]);
    });

    it('an unknown or a retired shape (ShapeNotActive)', async () => {
      const unknown = 3 * 2 ** 16 + 2;
      expect(await expectRevert(submit(variant(args, (s) => (s.shapeId = unknown))), 'ShapeNotActive')).toEqual([
        unknown,
      ]);
      expect(await expectRevert(submit(variant(args, (s) => (s.shapeId = SPARE_ID))), 'ShapeNotActive')).toEqual([
        SPARE_ID,
      ]);
    });

    it('no group, or more groups than the shape has (InvalidGroupCount)', async () => {
      expect(await expectRevert(submit(variant(args, (s) => (s.groups = []))), 'InvalidGroupCount')).toEqual([0n, 2n]);
      const three = variant(args, (s) => s.groups.push({ ...s.groups[0]! }));
      expect(await expectRevert(submit(three), 'InvalidGroupCount')).toEqual([3n, 2n]);
    });

    it('a non-canonical newRoot, chainRoot or dataCommitment (NonCanonicalFieldElement)', async () => {
      const alias = BigInt(args[3]) + BN254_FIELD_ORDER; // the same field element, another bytes32
      expect(
        await expectRevert(submit(variant(args, (s) => (s.newRoot = b32(alias)))), 'NonCanonicalFieldElement'),
      ).toEqual([alias]);
      const chainAlias = BigInt(args[5][1]!.chainRoot) + BN254_FIELD_ORDER;
      expect(
        await expectRevert(
          submit(variant(args, (s) => (s.groups[1]!.chainRoot = b32(chainAlias)))),
          'NonCanonicalFieldElement',
        ),
      ).toEqual([chainAlias]);
      await expectRevert(
        submit(variant(args, (s) => (s.dataCommitment = BN254_FIELD_ORDER))),
        'NonCanonicalFieldElement',
      );
    });

    it('an unregistered chain, a paused chain (ChainNotRegistered, ChainIsPaused)', async () => {
      expect(
        await expectRevert(submit(variant(args, (s) => (s.groups[1]!.chainId = 999n))), 'ChainNotRegistered'),
      ).toEqual([999n]);
      await mined(await write('pauseChain', [C]));
      await expectRevert(write('pauseChain', [C]), 'ChainIsPaused');
      expect(await expectRevert(submit(args), 'ChainIsPaused')).toEqual([C]);
      await mined(await write('resumeChain', [C]));
      await expectRevert(write('resumeChain', [C]), 'ChainNotPaused');
    });

    it('0 or M + 1 batches in a group (InvalidBatchCount)', async () => {
      expect(
        await expectRevert(submit(variant(args, (s) => (s.groups[1]!.batchRoots = []))), 'InvalidBatchCount'),
      ).toEqual([1n, 0n, 2n]);
      const three = [rootOf('1'), rootOf('2'), rootOf('3')];
      expect(
        await expectRevert(submit(variant(args, (s) => (s.groups[1]!.batchRoots = three))), 'InvalidBatchCount'),
      ).toEqual([1n, 3n, 2n]);
    });

    it('a gap, a settled batch again, a batch twice in one epoch (NonConsecutiveBatch)', async () => {
      expect(
        await expectRevert(submit(variant(args, (s) => (s.groups[1]!.firstBatch = 17n))), 'NonConsecutiveBatch'),
      ).toEqual([B, 16n, 17n]);
      expect(
        await expectRevert(submit(variant(args, (s) => (s.groups[1]!.firstBatch = 15n))), 'NonConsecutiveBatch'),
      ).toEqual([B, 16n, 15n]);
      const twice = variant(args, (s) => (s.groups = [{ ...s.groups[1]!, signature: '0x' }, s.groups[1]!]));
      expect(await expectRevert(submit(twice), 'NonConsecutiveBatch')).toEqual([B, 17n, 16n]);
    });

    it('a group crossing its aligned block (GroupCrossesBlock)', async () => {
      // A is at batch 15: batches 15 and 16 straddle the blocks [14, 16) and [16, 18)
      const crossing = variant(args, (s) => {
        s.groups[1] = { ...s.groups[1]!, chainId: A, firstBatch: 15n, batchRoots: [rootOf('a15'), rootOf('a16')] };
      });
      expect(await expectRevert(submit(crossing), 'GroupCrossesBlock')).toEqual([1n, 15n, 2n, 2n]);
    });

    it('an unsigned last group, another key, another chain root, another hub, tampered metadata (InvalidSignature)', async () => {
      expect(
        await expectRevert(submit(variant(args, (s) => (s.groups[0]!.signature = '0x'))), 'InvalidSignature'),
      ).toEqual([0n, C, zeroAddress]);
      const stranger = await signed(0, {}, ANVIL_PRIVATE_KEYS[7]);
      expect(
        await expectRevert(submit(variant(args, (s) => (s.groups[0]!.signature = stranger))), 'InvalidSignature'),
      ).toEqual([0n, C, l1.wallets[7]!.account.address]);
      const otherOperator = await signed(0, {}, OPERATOR_KEYS.get(B));
      await expectRevert(submit(variant(args, (s) => (s.groups[0]!.signature = otherOperator))), 'InvalidSignature');
      const otherChainRoot = await signed(0, { chainRoot: b32(BigInt(good.commitments[0]!.chainRoot) + 1n) });
      await expectRevert(submit(variant(args, (s) => (s.groups[0]!.signature = otherChainRoot))), 'InvalidSignature');
      const otherHub = await signed(0, {}, undefined, '0x000000000000000000000000000000000000dEaD');
      await expectRevert(submit(variant(args, (s) => (s.groups[0]!.signature = otherHub))), 'InvalidSignature');
      await expectRevert(
        submit(variant(args, (s) => (s.groups[0]!.messageCount = s.groups[0]!.messageCount + 1))),
        'InvalidSignature',
      );
      await expectRevert(
        submit(variant(args, (s) => (s.groups[0]!.lastBlock = s.groups[0]!.lastBlock + 1n))),
        'InvalidSignature',
      );
    });

    it('a malleable high-s twin or a malformed signature (InvalidSignatureS, InvalidSignatureLength)', async () => {
      const sig = args[5][0]!.signature;
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const s = BigInt(`0x${sig.slice(66, 130)}`);
      const v = parseInt(sig.slice(130, 132), 16);
      const twin =
        `${sig.slice(0, 66)}${toHex(n - s, { size: 32 }).slice(2)}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
      await expectRevert(submit(variant(args, (x) => (x.groups[0]!.signature = twin))), 'InvalidSignatureS');
      await expectRevert(
        submit(variant(args, (x) => (x.groups[0]!.signature = sig.slice(0, 130) as Hex))),
        'InvalidSignatureLength',
      );
    });

    describe('with one chain in two groups (B16, B17 | B18)', () => {
      let two: PreparedEpoch;
      let twoArgs: SubmitRootArgs;
      beforeAll(async () => {
        two = await prepare(S4, batches(B, 16, 18, 'two'));
        twoArgs = argsOf(two, await nextEpoch());
        await expectInputs(expect4, two.step.publicSignals);
      });
      afterAll(async () => {
        await expectInputs(expect4, good.step.publicSignals);
      });

      it('(passes in a simulation as built)', async () => {
        expect(twoArgs[5].map((g) => g.signature === '0x')).toEqual([true, false]);
        await expect(
          l1.publicClient.simulateContract({
            account: admin().account,
            address: hub,
            abi: interopHubAbi,
            functionName: 'submitRoot',
            args: twoArgs,
          }),
        ).resolves.toBeDefined();
      });
      it('a signature on the earlier group (UnexpectedSignature)', async () => {
        const early = variant(twoArgs, (s) => {
          const m = two.metadata[1]!;
          s.groups[0] = { ...s.groups[0]!, ...m };
        });
        expect(await expectRevert(submit(early), 'UnexpectedSignature')).toEqual([0n]);
      });
      it('a tampered batch root or chain root the signature does not cover (InvalidProof)', async () => {
        await expectRevert(
          submit(variant(twoArgs, (s) => (s.groups[0]!.batchRoots[0] = rootOf('forged')))),
          'InvalidProof',
        );
        await expectRevert(
          submit(variant(twoArgs, (s) => (s.groups[0]!.chainRoot = b32(BigInt(s.groups[0]!.chainRoot) + 1n)))),
          'InvalidProof',
        );
        // the same batches of the unsigned group in another order: other data, refused by the proof
        await expectRevert(submit(variant(twoArgs, (s) => s.groups[0]!.batchRoots.reverse())), 'InvalidProof');
      });
    });

    it('a proof made with another slot for a chain (InvalidProof): the slot comes from the registry', async () => {
      const elsewhere = await prepare(
        S4,
        [...batches(C, 0, 0, 'r'), ...batches(B, 16, 16, 'r')],
        new Map([...slots, [C, 7]]),
      );
      // same chain roots and batch roots; another shared root and another header for C
      expect(elsewhere.step.groups.map((g) => g.chainRoot)).toEqual(good.step.groups.map((g) => g.chainRoot));
      await expectInputs(expect4, elsewhere.step.publicSignals);
      const wrongArgs = argsOf(elsewhere, args[0]);
      await expectRevert(submit(wrongArgs), 'InvalidProof');
      const [challenge] = await read<readonly [bigint, bigint]>('epochPublicSignals', [
        S4_ID,
        wrongArgs[2],
        wrongArgs[3],
        wrongArgs[4],
        wrongArgs[5],
      ]);
      expect(challenge).not.toBe(elsewhere.step.publicSignals.challenge);
      await expectInputs(expect4, good.step.publicSignals);
    });

    it('a proof its verifier rejects (InvalidProof)', async () => {
      const { address: other } = await deployInteropHub(
        { walletClient: admin(), publicClient: l1.publicClient },
        { sharedDepth: SHARED_DEPTH, chainDepth: CHAIN_DEPTH, shapes: [{ ...S4Shape(), verifier: reject }] },
      );
      await mined(await write('registerChain', [C, l1.wallets[3]!.account.address], admin(), other));
      const e = await prepareEpoch({
        state: new AggregationState({ chainDepth: CHAIN_DEPTH, sharedDepth: SHARED_DEPTH }),
        slots: new Map([[C, 0]]),
        shape: S4,
        batches: batches(C, 0, 0),
        sign: operatorSigner(L1_CHAIN_ID, other, OPERATOR_KEYS),
      });
      await expectRevert(submit(argsOf(e, 1n), admin(), other), 'InvalidProof');
    });

    it('a caller without SUBMITTER_ROLE, and strangers managing chains (Unauthorized)', async () => {
      const stranger = l1.wallets[5]!;
      await expectRevert(submit(args, stranger), 'Unauthorized');
      await expectRevert(write('pauseChain', [A], stranger), 'Unauthorized');
      await expectRevert(write('setOperator', [A, stranger.account.address], stranger), 'Unauthorized');
    });

    it('and finally accepts the unchanged submission', async () => {
      await mined(await submit(args));
      state = good.after;
      expect(await read<Hex>('sharedRoot')).toBe(b32(state.sharedRoot));
      expect(await nextBatch(C)).toBe(1n);
      expect(await nextBatch(B)).toBe(17n);
    });
  });

  it('rotates an operator: the old key is refused, the new one accepted', async () => {
    const newKey = ANVIL_PRIVATE_KEYS[4];
    const newOperator = l1.wallets[4]!.account.address;
    const receipt = await mined(await write('setOperator', [A, newOperator]));
    const [log] = parseEventLogs({ abi: interopHubAbi, logs: receipt.logs, eventName: 'OperatorChanged' });
    expect(log?.args).toEqual({ chainId: A, previousOperator: l1.wallets[1]!.account.address, newOperator });

    const old = await prepare(S4, batches(A, 15, 15, 'rot'));
    await expectInputs(expect4, old.step.publicSignals);
    const args = argsOf(old, await nextEpoch());
    expect(await expectRevert(submit(args), 'InvalidSignature')).toEqual([0n, A, l1.wallets[1]!.account.address]);
    const rotated = await prepareEpoch({
      state,
      slots,
      shape: S4,
      batches: batches(A, 15, 15, 'rot'),
      sign: operatorSigner(L1_CHAIN_ID, hub, new Map([[A, newKey]])),
    });
    await settle(rotated);
    expect(getAddress((await read<{ operator: Address }>('getChain', [A])).operator)).toBe(newOperator);
    expect(await nextBatch(A)).toBe(16n);
  });

  it('stops registering when every slot of the shared tree is taken (RegistryFull)', async () => {
    const { address: small } = await deployInteropHub(
      { walletClient: admin(), publicClient: l1.publicClient },
      { sharedDepth: 2, chainDepth: 3 },
    );
    for (let i = 0; i < 4; i++) {
      await mined(await write('registerChain', [600n + BigInt(i), l1.wallets[1]!.account.address], admin(), small));
    }
    expect(
      await expectRevert(
        write('registerChain', [700n, l1.wallets[1]!.account.address], admin(), small),
        'RegistryFull',
      ),
    ).toEqual([4]);
  });
});

/** The s4 shape as deployInteropHub takes it. */
function S4Shape(): { groups: number; groupSize: number } {
  return { groups: PRODUCTION_SHAPES.s4.k / PRODUCTION_SHAPES.s4.groupSize, groupSize: PRODUCTION_SHAPES.s4.groupSize };
}
