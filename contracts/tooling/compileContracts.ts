import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import solc from 'solc';
import { poseidonLibraries } from './poseidonLibraries';

/** Repository root, found from the working directory upwards (the folder holding contracts/src). */
export function findRepoRoot(from: string = process.cwd()): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'contracts', 'src')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new ContractsCompileError([`no contracts/src above ${from}`]);
    dir = parent;
  }
}

export type CompiledContract = {
  /** Contract name, or the file's base name for contracts/src/verifiers/* (snarkjs always names them Groth16Verifier). */
  name: string;
  /** Source path relative to the repository root. */
  source: string;
  abi: readonly unknown[];
  bytecode: `0x${string}`;
  deployedSize: number;
};

export type CompileContractsParameters = {
  /** Also compile contracts/test/fixtures (test-only contracts). */
  includeFixtures?: boolean;
  /** Repository root; default: found from the working directory. */
  root?: string;
};

export type CompileContractsReturnType = {
  solcVersion: string;
  contracts: CompiledContract[];
};

export class ContractsCompileError extends Error {
  readonly code = 'CONTRACTS_COMPILE_FAILED';
  constructor(readonly errors: string[]) {
    super(`solc failed:\n${errors.join('\n')}`);
    this.name = 'ContractsCompileError';
  }
}

type SolcOutput = {
  errors?: { severity: string; formattedMessage: string }[];
  sources?: Record<string, { ast: { nodes: AstNode[] } }>;
  contracts?: Record<
    string,
    Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>
  >;
};
type AstNode = { nodeType: string; name?: string; contractKind?: string; abstract?: boolean };

function solFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...solFiles(full));
    else if (entry.name.endsWith('.sol')) out.push(full);
  }
  return out.sort();
}

function toSourceKey(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}

/**
 * Compiles contracts/src (and optionally contracts/test/fixtures) with solc-js: optimizer on, EVM `cancun`
 * (transient storage), the poseidon-solidity libraries linked at their deterministic CREATE2 addresses.
 * Returns every concrete contract (not interfaces, libraries or abstract contracts).
 */
export function compileContracts({
  includeFixtures = false,
  root = findRepoRoot(),
}: CompileContractsParameters = {}): CompileContractsReturnType {
  const REPO_ROOT = root;
  const files = solFiles(join(REPO_ROOT, 'contracts', 'src'));
  if (includeFixtures) files.push(...solFiles(join(REPO_ROOT, 'contracts', 'test', 'fixtures')));
  const sources: Record<string, { content: string }> = {};
  for (const file of files) sources[toSourceKey(root, file)] = { content: readFileSync(file, 'utf8') };

  const libraries: Record<string, Record<string, string>> = {};
  for (const lib of poseidonLibraries) libraries[`poseidon-solidity/${lib.name}.sol`] = { [lib.name]: lib.address };

  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      // viaIR is not needed (InteropHub.submitRoot is split to stay within the stack) and compiles 2x slower.
      viaIR: false,
      evmVersion: 'cancun',
      libraries,
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'], '': ['ast'] } },
    },
  };
  const findImports = (path: string): { contents: string } | { error: string } => {
    const candidates = [join(REPO_ROOT, 'node_modules', path), join(REPO_ROOT, path)];
    for (const candidate of candidates) {
      if (existsSync(candidate)) return { contents: readFileSync(candidate, 'utf8') };
    }
    return { error: `not found: ${path}` };
  };
  const output = JSON.parse(
    (solc.compile as (i: string, o: object) => string)(JSON.stringify(input), { import: findImports }),
  ) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error').map((e) => e.formattedMessage);
  if (errors.length > 0) throw new ContractsCompileError(errors);

  const contracts: CompiledContract[] = [];
  for (const source of Object.keys(sources)) {
    const concrete = (output.sources?.[source]?.ast.nodes ?? []).filter(
      (n) => n.nodeType === 'ContractDefinition' && n.contractKind === 'contract' && !n.abstract,
    );
    for (const node of concrete) {
      const compiled = output.contracts?.[source]?.[node.name ?? ''];
      if (!compiled) continue;
      const isVerifier = source.startsWith('contracts/src/verifiers/');
      const name = isVerifier ? (source.split('/').pop() ?? '').replace(/\.sol$/, '') : (node.name ?? '');
      contracts.push({
        name,
        source,
        abi: compiled.abi,
        bytecode: `0x${compiled.evm.bytecode.object}`,
        deployedSize: compiled.evm.deployedBytecode.object.length / 2,
      });
    }
  }
  const seen = new Set<string>();
  for (const c of contracts) {
    if (seen.has(c.name)) throw new ContractsCompileError([`two contracts named ${c.name}`]);
    seen.add(c.name);
  }
  return { solcVersion: (solc.version as () => string)(), contracts };
}
