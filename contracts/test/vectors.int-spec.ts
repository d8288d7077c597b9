import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getAddress, toHex, type Address, type Hex } from 'viem';
import {
  deployContract,
  deployInteropHub,
  ensurePoseidonLibraries,
  interopHandlerAbi,
  interopHubAbi,
  interopHubBytecode,
} from '@interop/contracts';
import { interopHandlerBytecode } from '../../libs/contracts/src/generated/InteropHandler';
import { deployFixture, fixtureAbi } from './helpers/fixtures';
import { looseAbi } from './helpers/looseAbi';
import { startTestChain, type TestChain } from './helpers/testChain';
import { loadVectors, VECTOR_FILES, VECTORS_DIR, type BatchRootJson, type MessageJson } from './helpers/vectorFiles';

jest.setTimeout(180_000);

/**
 * Pins the Solidity libraries (through contracts/test/fixtures/ProtocolHarness.sol and the real contracts) to the
 * shared test vectors libs/protocol generates. Every vector file must be present; a missing one fails loudly.
 */
const load = loadVectors;
const big = (s: string | number): bigint => BigInt(s);
const message = (j: MessageJson) => ({
  srcChainId: big(j.srcChainId),
  dstChainId: big(j.dstChainId),
  nonce: big(j.nonce),
  sender: j.sender,
  recipient: j.recipient,
  kind: Number(j.kind),
  payload: j.payload,
  assetId: j.assetId,
  amount: big(j.amount),
  fee: big(j.fee),
  gasLimit: big(j.gasLimit),
});

describe('Solidity libraries vs libs/protocol/test-vectors', () => {
  let chain: TestChain;
  let harness: Address;
  const call = <T>(functionName: string, args: readonly unknown[] = []): Promise<T> =>
    chain.publicClient.readContract({
      address: harness,
      abi: fixtureAbi('ProtocolHarness'),
      functionName,
      args,
    }) as Promise<T>;

  beforeAll(async () => {
    // chain id and deployer nonce 0 reproduce the eip712 vectors' domain (hub 0x5FbD...0aa3 on 31337)
    chain = await startTestChain(31337);
    await ensurePoseidonLibraries({ walletClient: chain.wallets[1]!, publicClient: chain.publicClient });
    harness = await deployFixture(chain.wallets[1]!, chain.publicClient, 'ProtocolHarness');
  });
  afterAll(async () => {
    await chain?.stop();
  });

  it('finds every vector file', () => {
    expect(VECTOR_FILES.filter((f) => !existsSync(join(VECTORS_DIR, `${f}.json`)))).toEqual([]);
  });

  it('poseidon.json: PoseidonT3/T4 (arity 2, 3; arity 5 is circuit and TS only since v2)', async () => {
    const cases = load('poseidon').cases.filter((c) => c.arity !== 5);
    expect(new Set(cases.map((c) => c.arity))).toEqual(new Set([2, 3]));
    const fn = { 2: 'poseidon2', 3: 'poseidon3' } as const;
    for (const c of cases) {
      expect(await call<bigint>(fn[c.arity as 2 | 3], c.inputs.map(big))).toBe(big(c.output));
    }
  });

  it('messages.json: messageLeaf and the token payload encoding', async () => {
    const v = load('messages');
    for (const c of v.cases) expect(await call<Hex>('messageLeaf', [message(c.message)])).toBe(c.leaf);
    const f = v.tokenPayload.fields;
    expect(
      await call<Hex>('tokenPayload', [
        {
          originChainId: big(f.originChainId),
          originVault: f.originVault,
          originToken: f.originToken,
          name: f.name,
          symbol: f.symbol,
          decimals: f.decimals,
        },
      ]),
    ).toBe(v.tokenPayload.encoded);
  });

  it('batch-tree.json: zero hashes and keccak folds', async () => {
    const v = load('batch-tree');
    for (let i = 0; i < v.zeroHashes.length; i++)
      expect(await call<Hex>('batchZeroRoot', [big(i)])).toBe(v.zeroHashes[i]);
    for (const c of v.cases) {
      for (const p of c.proofs) expect(await call<Hex>('batchFold', [p.leaf, big(p.index), p.siblings])).toBe(c.root);
    }
  });

  it('chain-tree.json: toField, batchLeaf, zero hashes, historical proofs (test and production depths)', async () => {
    const v = load('chain-tree');
    for (const t of [v.test, v.production]) {
      for (const [i, z] of t.zeroHashes.entries())
        expect(await call<bigint>('poseidonZeroRoot', [big(i)])).toBe(big(z));
      for (const b of t.batches) {
        expect(await call<bigint>('toField', [b.batchRoot])).toBe(big(b.batchRootField));
        expect(await call<bigint>('batchLeaf', [b.batchRoot, big(b.batchNumber)])).toBe(big(b.batchLeaf));
      }
      for (const p of t.proofs) {
        expect(await call<bigint>('poseidonFold', [big(p.leaf), big(p.index), p.siblings.map(big)])).toBe(big(p.root));
      }
    }
  });

  it('shared-tree.json: chainLeaf, genesis root, slot proofs', async () => {
    const v = load('shared-tree');
    for (const t of [v.test, v.production]) {
      expect(await call<bigint>('poseidonZeroRoot', [big(t.depth)])).toBe(big(t.genesisRoot));
      for (const s of t.sets)
        expect(await call<bigint>('chainLeaf', [big(s.chainRoot), big(s.chainId)])).toBe(big(s.leaf));
      for (const p of t.proofs) {
        expect(await call<bigint>('poseidonFold', [big(p.leaf), big(p.slot), p.siblings.map(big)])).toBe(big(t.root));
      }
    }
  });

  it('aggregation.json: InteropHub.epochPublicSignals gives the challenge and evaluation of every step', async () => {
    const v = load('aggregation');
    const wallet = chain.wallets[1]!;
    const { address } = await deployInteropHub(
      { walletClient: wallet, publicClient: chain.publicClient },
      { sharedDepth: v.sharedDepth, chainDepth: v.chainDepth },
    );
    const hubRead = <T>(functionName: string, args: readonly unknown[] = []) =>
      chain.publicClient.readContract({ address, abi: looseAbi(interopHubAbi), functionName, args }) as Promise<T>;
    expect(await hubRead<Hex>('GENESIS_ROOT')).toBe(toHex(big(v.genesisRoot), { size: 32 }));
    // the vectors' registry: each chain at its slot, filler chains in the slots nobody uses
    const slotOwner = new Map<number, bigint>();
    for (const shape of v.shapes)
      for (const step of shape.steps) for (const g of step.groups) slotOwner.set(g.slot, big(g.chainId));
    const top = Math.max(...slotOwner.keys());
    for (let slot = 0; slot <= top; slot++) {
      const hash = await wallet.writeContract({
        address,
        abi: interopHubAbi,
        functionName: 'registerChain',
        args: [slotOwner.get(slot) ?? 90_000n + BigInt(slot), wallet.account.address],
      });
      await chain.publicClient.waitForTransactionReceipt({ hash });
    }
    let steps = 0;
    for (const shape of v.shapes) {
      expect(await hubRead<number>('shapeIdOf', [shape.groups, shape.groupSize])).toBe(shape.shapeId);
      for (const step of shape.steps) {
        const groups = step.groups.map((g) => ({
          chainId: big(g.chainId),
          firstBatch: big(g.firstBatch),
          chainRoot: toHex(big(g.chainRoot), { size: 32 }),
          messageCount: 0,
          firstBlock: 0n,
          lastBlock: 0n,
          batchRoots: g.batchRoots,
          signature: '0x',
        }));
        const [dataCommitment, challenge, evaluation] = step.publicSignals.map(big);
        expect(
          await hubRead<readonly bigint[]>('epochPublicSignals', [
            shape.shapeId,
            toHex(big(step.oldRoot), { size: 32 }),
            toHex(big(step.newRoot), { size: 32 }),
            dataCommitment,
            groups,
          ]),
        ).toEqual([challenge, evaluation]);
        steps += 1;
      }
    }
    expect(steps).toBeGreaterThanOrEqual(v.shapes.length);
  });

  it('inclusion-proof.json: InteropHandler.verifyInclusion accepts each proof; the compact encoding decodes', async () => {
    const v = load('inclusion-proof');
    for (const c of [...v.test, ...v.production]) {
      const { address } = await deployContract(
        { walletClient: chain.wallets[1]!, publicClient: chain.publicClient },
        {
          abi: interopHandlerAbi,
          bytecode: interopHandlerBytecode,
          args: [chain.wallets[1]!.account.address, c.depths.batchDepth, c.depths.chainDepth, c.depths.sharedDepth],
          name: 'InteropHandler',
        },
      );
      const p = c.json.proof;
      const proof = {
        epoch: big(p.epoch),
        leafIndex: Number(p.leafIndex),
        batchPath: p.batchPath,
        batchNumber: big(p.batchNumber),
        chainPath: p.chainPath.map(big),
        slot: Number(p.slot),
        sharedPath: p.sharedPath.map(big),
      };
      expect(toHex(big(c.sharedRoot), { size: 32 })).toBe(c.sharedRootBytes32);
      const hash = await chain.wallets[1]!.writeContract({
        address,
        abi: interopHandlerAbi,
        functionName: 'importSharedRoot',
        args: [proof.epoch, c.sharedRootBytes32],
      });
      await chain.publicClient.waitForTransactionReceipt({ hash });
      const m = message(c.json.message);
      expect(
        await chain.publicClient.readContract({
          address,
          abi: interopHandlerAbi,
          functionName: 'verifyInclusion',
          args: [m, proof],
        }),
      ).toBe(true);
      expect(
        await chain.publicClient.readContract({
          address,
          abi: interopHandlerAbi,
          functionName: 'verifyInclusion',
          args: [{ ...m, nonce: m.nonce + 1n }, proof],
        }),
      ).toBe(false);
      expect(await call<readonly unknown[]>('decodeCompact', [c.compact])).toEqual([
        1,
        c.messageLeaf,
        proof.epoch,
        proof.leafIndex,
        proof.batchNumber,
        proof.slot,
      ]);
    }
  });

  it('fees.json: FeeMath (ceilDiv included)', async () => {
    for (const c of load('fees').cases) {
      const params = {
        baseFee: big(c.params.baseFee),
        perByteFee: big(c.params.perByteFee),
        dstGasPrice: big(c.params.dstGasPrice),
        exchangeRateE18: big(c.params.exchangeRateE18),
      };
      expect(await call<bigint>('fee', [params, big(c.payloadLength), big(c.gasLimit)])).toBe(big(c.fee));
    }
  });

  it('asset-ids.json: assetIdOf', async () => {
    for (const c of load('asset-ids').cases) {
      expect(await call<Hex>('assetIdOf', [big(c.originChainId), c.vault, c.token])).toBe(c.assetId);
    }
  });

  it('eip712.json: type hashes, domain separator, digests, signer recovery, and InteropHub itself', async () => {
    const v = load('eip712');
    expect([v.domain.name, v.domain.version]).toEqual(['InteropHub', '2']);
    const [, batchRootTypeHash, chainRegistrationTypeHash] = await call<readonly Hex[]>('typeHashes');
    expect(batchRootTypeHash).toBe(v.typeHashes.BatchRoot);
    expect(chainRegistrationTypeHash).toBe(v.typeHashes.ChainRegistration);
    const chainId = big(v.domain.chainId);
    const hubAddress = v.domain.verifyingContract;
    expect(await call<Hex>('domainSeparator', [chainId, hubAddress])).toBe(v.domainSeparator);
    const update = (m: BatchRootJson) => ({
      chainId: big(m.chainId),
      batchNumber: big(m.batchNumber),
      batchRoot: m.batchRoot,
      chainRoot: m.chainRoot,
      messageCount: m.messageCount,
      firstBlock: big(m.firstBlock),
      lastBlock: big(m.lastBlock),
    });
    for (const b of v.batchRoots) {
      expect(await call<Hex>('batchRootDigest', [chainId, hubAddress, update(b.message)])).toBe(b.digest);
      expect(getAddress(await call<Address>('recover', [b.digest, b.signature]))).toBe(getAddress(v.signer));
    }
    for (const r of v.chainRegistrations) {
      expect(
        await call<Hex>('chainRegistrationDigest', [
          chainId,
          hubAddress,
          big(r.message.chainId),
          r.message.name,
          r.message.operator,
        ]),
      ).toBe(r.digest);
      expect(getAddress(await call<Address>('recover', [r.digest, r.signature]))).toBe(getAddress(v.signer));
    }

    // the real InteropHub at the vectors' address (deployer account 0, nonce 0, chain 31337) signs off the same digests
    expect(await chain.publicClient.getTransactionCount({ address: chain.wallets[0]!.account.address })).toBe(0);
    const { address } = await deployContract(
      { walletClient: chain.wallets[0]!, publicClient: chain.publicClient },
      {
        abi: interopHubAbi,
        bytecode: interopHubBytecode,
        args: [chain.wallets[0]!.account.address, 10, 20],
        name: 'InteropHub',
      },
    );
    expect(address).toBe(getAddress(hubAddress));
    expect(
      await chain.publicClient.readContract({ address, abi: interopHubAbi, functionName: 'domainSeparator' }),
    ).toBe(v.domainSeparator);
    for (const b of v.batchRoots) {
      const u = update(b.message);
      expect(
        await chain.publicClient.readContract({
          address,
          abi: interopHubAbi,
          functionName: 'batchRootDigest',
          args: [u.chainId, u.batchNumber, u.batchRoot, u.chainRoot, u.messageCount, u.firstBlock, u.lastBlock],
        }),
      ).toBe(b.digest);
    }
  });
});
