import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getAddress, type Abi, type Address } from 'viem';
import { compileContracts, type CompiledContract } from '../../tooling/compileContracts';
import type { TestWallet } from './testChain';
import type { PublicClient } from 'viem';

const ROOT = join(__dirname, '..', '..', '..');

function allSol(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allSol(join(dir, e.name)) : e.name.endsWith('.sol') ? [join(dir, e.name)] : [],
  );
}

let memo: Map<string, CompiledContract> | undefined;

/**
 * Compiles contracts/src + contracts/test/fixtures (test-only contracts) once per source state: the result is
 * cached in .cache/contracts keyed by the hash of every .sol file, since solc-js takes ~15 s.
 */
export function fixtureArtifacts(): Map<string, CompiledContract> {
  if (memo) return memo;
  const files = [
    ...allSol(join(ROOT, 'contracts', 'src')),
    ...allSol(join(ROOT, 'contracts', 'test', 'fixtures')),
  ].sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(readFileSync(f));
  const cacheDir = join(ROOT, '.cache', 'contracts');
  const cacheFile = join(cacheDir, `fixtures-${hash.digest('hex').slice(0, 16)}.json`);
  let contracts: CompiledContract[];
  if (existsSync(cacheFile)) {
    contracts = JSON.parse(readFileSync(cacheFile, 'utf8')) as CompiledContract[];
  } else {
    contracts = compileContracts({ includeFixtures: true, root: ROOT }).contracts;
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cacheFile, JSON.stringify(contracts));
  }
  memo = new Map(contracts.map((c) => [c.name, c]));
  return memo;
}

/** ABI of a fixture (or src) contract by name. */
export function fixtureAbi(name: string): Abi {
  const c = fixtureArtifacts().get(name);
  if (!c) throw new Error(`no compiled contract ${name}`);
  return c.abi as Abi;
}

/** Deploys a fixture contract and returns its address. */
export async function deployFixture(
  wallet: TestWallet,
  publicClient: PublicClient,
  name: string,
  args: readonly unknown[] = [],
): Promise<Address> {
  const c = fixtureArtifacts().get(name);
  if (!c) throw new Error(`no compiled contract ${name}`);
  const hash = await wallet.deployContract({ abi: c.abi as Abi, bytecode: c.bytecode, args });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`deploying ${name} failed`);
  return getAddress(receipt.contractAddress);
}
