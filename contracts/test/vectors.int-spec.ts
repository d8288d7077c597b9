import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getAddress, toHex, type Address, type Hex } from 'viem';
import {
  deployContract,
  ensurePoseidonLibraries,
  interopHandlerAbi,
  interopHubAbi,
  interopHubBytecode,
} from '@interop/contracts';
import { interopHandlerBytecode } from '../../libs/contracts/src/generated/InteropHandler';
import { deployFixture, fixtureAbi } from './helpers/fixtures';
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

  it('poseidon.json: PoseidonT3/T4/T6 (arity 2, 3, 5)', async () => {
    const { cases } = load('poseidon');
    expect(cases.length).toBeGreaterThan(0);
    const fn = { 2: 'poseidon2', 3: 'poseidon3', 5: 'poseidon5' } as const;
    for (const c of cases) {
      expect(await call<bigint>(fn[c.arity], c.inputs.map(big))).toBe(big(c.output));
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

  it('aggregation.json: the updates commitment InteropHub computes', async () => {
    const v = load('aggregation');
    expect(await call<bigint>('poseidonZeroRoot', [big(v.sharedDepth)])).toBe(big(v.genesisRoot));
    for (const step of v.steps) {
      let c = 0n;
      for (const u of step.updates) {
        c = await call<bigint>('commitmentStep', [c, big(u.slot), big(u.chainId), big(u.batchNumber), u.batchRoot]);
      }
      expect(c).toBe(big(step.commitment));
    }
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
        args: [chain.wallets[0]!.account.address, harness, 2, 2],
        name: 'InteropHub',
      },
    );
    expect(address).toBe(getAddress(hubAddress));
    expect(
      await chain.publicClient.readContract({ address, abi: interopHubAbi, functionName: 'domainSeparator' }),
    ).toBe(v.domainSeparator);
    for (const b of v.batchRoots) {
      expect(
        await chain.publicClient.readContract({
          address,
          abi: interopHubAbi,
          functionName: 'batchRootDigest',
          args: [update(b.message)],
        }),
      ).toBe(b.digest);
    }
  });
});
