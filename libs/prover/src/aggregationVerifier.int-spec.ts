// The generated contracts/src/verifiers/AggregationVerifierTest.sol on a real anvil: a valid proof passes, a proof
// with a tampered public input (or proof element) fails. Compiled here with solc-js.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ANVIL_PRIVATE_KEYS, startAnvil, type AnvilInstance } from '@interop/infra/testing/anvil';
import { TEST_CHAIN_DEPTH, TEST_GROUP_SIZE, TEST_K, TEST_SHARED_DEPTH } from '@interop/protocol';
import { createPublicClient, createWalletClient, http, type Abi, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';

import { Prover } from './prover';
import { repoRoot } from './repoRoot';
import { ensureTestCircuit } from './testing/ensureTestCircuit';
import { sampleSteps } from './testing/sampleSteps';
import { toSolidityProof } from './toSolidityProof';

jest.setTimeout(20 * 60_000);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const solc = require('solc') as { compile(input: string): string };

let anvil: AnvilInstance;

afterAll(async () => {
  await anvil?.stop();
});

function compileVerifier(): { abi: Abi; bytecode: Hex } {
  const file = path.join(repoRoot(), 'contracts', 'src', 'verifiers', 'AggregationVerifierTest.sol');
  const out = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { 'AggregationVerifierTest.sol': { content: readFileSync(file, 'utf8') } },
        settings: {
          optimizer: { enabled: true, runs: 200 },
          outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
        },
      }),
    ),
  ) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const c = out.contracts['AggregationVerifierTest.sol']!['AggregationVerifierTest']!;
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}

it('AggregationVerifierTest accepts a valid proof and rejects tampered public inputs', async () => {
  const artifacts = await ensureTestCircuit('test');
  const step = sampleSteps({
    chainDepth: TEST_CHAIN_DEPTH,
    sharedDepth: TEST_SHARED_DEPTH,
    k: TEST_K,
    groupSize: TEST_GROUP_SIZE,
    epochs: 1,
  })[0]!;
  const prover = new Prover({ artifacts, poolSize: 1 });
  const { proof, publicSignals } = await prover.prove(step.input).finally(() => prover.close());

  anvil = await startAnvil({ chainId: 31337 });
  const account = privateKeyToAccount(ANVIL_PRIVATE_KEYS[0]);
  const wallet = createWalletClient({ account, chain: foundry, transport: http(anvil.rpcUrl) });
  const client = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
  const { abi, bytecode } = compileVerifier();
  const hash = await wallet.deployContract({ abi, bytecode });
  const { contractAddress } = await client.waitForTransactionReceipt({ hash });
  expect(contractAddress).toBeDefined();

  const { a, b, c } = toSolidityProof(proof);
  const verify = (signals: bigint[], pa = a) =>
    client.readContract({ address: contractAddress!, abi, functionName: 'verifyProof', args: [pa, b, c, signals] });

  const signals = publicSignals.map(BigInt);
  expect(signals).toEqual([step.oldRoot, step.newRoot, step.commitment]);
  expect(await verify(signals)).toBe(true);
  for (let i = 0; i < 3; i++) {
    const tampered = [...signals];
    tampered[i] = tampered[i]! + 1n;
    expect(await verify(tampered)).toBe(false);
  }
  expect(await verify(signals, [a[0], a[1] + 1n])).toBe(false);
});
