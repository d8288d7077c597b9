// The generated verifier of every epoch shape (contracts/src/verifiers/AggregationVerifier<Shape>.sol, deployed from
// libs/contracts' compiled bytecode) on a real anvil: a valid proof of the shape passes; a proof with a tampered
// public signal (or proof element), or a proof of another shape, fails.
import { deployAggregationVerifier } from '@interop/contracts';
import { ANVIL_PRIVATE_KEYS, startAnvil, type AnvilInstance } from '@interop/infra/testing/anvil';
import { PRODUCTION_DEPTHS, publicSignalsList } from '@interop/protocol';
import { createPublicClient, createWalletClient, http, parseAbi, type Address } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';

import { loadShapes } from './circuitArtifacts';
import { Prover } from './prover';
import { ensureCircuits } from './testing/ensureCircuits';
import { sampleSteps } from './testing/sampleSteps';
import { toSolidityProof } from './toSolidityProof';

jest.setTimeout(20 * 60_000);

const abi = parseAbi([
  'function verifyProof(uint256[2] a, uint256[2][2] b, uint256[2] c, uint256[3] pubSignals) view returns (bool)',
]);
let anvil: AnvilInstance;

afterAll(async () => {
  await anvil?.stop();
});

it('each shape verifier accepts its own valid proof and rejects tampered signals and other shapes', async () => {
  const shapes = loadShapes();
  const artifacts = await ensureCircuits(shapes.map((s) => s.name));
  anvil = await startAnvil({ chainId: 31337 });
  const account = privateKeyToAccount(ANVIL_PRIVATE_KEYS[0]);
  const walletClient = createWalletClient({ account, chain: foundry, transport: http(anvil.rpcUrl) });
  const publicClient = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
  const verifiers = new Map<string, Address>();
  for (const s of shapes) {
    verifiers.set(s.name, (await deployAggregationVerifier({ walletClient, publicClient }, s.name)).address);
  }
  type ShapeProof = ReturnType<typeof toSolidityProof> & { shape: string; signals: [bigint, bigint, bigint] };
  const proofs: ShapeProof[] = [];
  for (const s of shapes) {
    const step = sampleSteps({ ...PRODUCTION_DEPTHS, k: s.k, groupSize: s.groupSize, epochs: 1 })[0]!;
    const prover = new Prover({ artifacts: artifacts[s.name]!, poolSize: 1 });
    const { proof, publicSignals } = await prover.prove(step.input).finally(() => prover.close());
    expect(publicSignals).toEqual(publicSignalsList(step.publicSignals));
    proofs.push({
      shape: s.name,
      ...toSolidityProof(proof),
      signals: publicSignals.map(BigInt) as [bigint, bigint, bigint],
    });
  }
  const verify = (shape: string, p: ShapeProof, signals = p.signals, a = p.a) =>
    publicClient.readContract({
      address: verifiers.get(shape)!,
      abi,
      functionName: 'verifyProof',
      args: [a, p.b, p.c, signals],
    });
  for (const p of proofs) {
    expect(await verify(p.shape, p)).toBe(true);
    for (let i = 0; i < 3; i++) {
      const tampered = [...p.signals] as [bigint, bigint, bigint];
      tampered[i] = tampered[i]! + 1n;
      expect(await verify(p.shape, p, tampered)).toBe(false);
    }
    expect(await verify(p.shape, p, p.signals, [p.a[0], p.a[1] + 1n])).toBe(false);
    // A proof of one shape never passes another shape's verifier (their keys differ).
    for (const other of shapes.filter((s) => s.name !== p.shape)) expect(await verify(other.name, p)).toBe(false);
  }
});
