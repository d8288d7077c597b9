import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Address, Hex } from 'viem';

/** Shapes of libs/protocol/test-vectors/*.json (see its README): big integers are decimal strings. */
export const VECTORS_DIR = join(__dirname, '..', '..', '..', 'libs', 'protocol', 'test-vectors');

type Dec = string;
export type MessageJson = {
  srcChainId: Dec;
  dstChainId: Dec;
  nonce: Dec;
  sender: Address;
  recipient: Address;
  kind: '0' | '1';
  payload: Hex;
  assetId: Hex;
  amount: Dec;
  fee: Dec;
  gasLimit: Dec;
};
type PoseidonTreeVectors = {
  depth: number;
  zeroHashes: Dec[];
  batches: { batchRoot: Hex; batchRootField: Dec; batchNumber: Dec; batchLeaf: Dec }[];
  proofs: { index: number; atSize: number; leaf: Dec; siblings: Dec[]; root: Dec }[];
};
type SharedTreeVectors = {
  depth: number;
  zeroHashes: Dec[];
  genesisRoot: Dec;
  sets: { slot: number; chainId: Dec; chainRoot: Dec; leaf: Dec; root: Dec }[];
  root: Dec;
  proofs: { slot: number; leaf: Dec; siblings: Dec[] }[];
};
type InclusionVector = {
  depths: { batchDepth: number; chainDepth: number; sharedDepth: number };
  sharedRoot: Dec;
  sharedRootBytes32: Hex;
  messageLeaf: Hex;
  json: {
    message: MessageJson;
    proof: {
      epoch: Dec;
      leafIndex: Dec;
      batchPath: Hex[];
      batchNumber: Dec;
      chainPath: Dec[];
      slot: Dec;
      sharedPath: Dec[];
    };
  };
  compact: Hex;
};
export type BatchRootJson = {
  chainId: Dec;
  batchNumber: Dec;
  batchRoot: Hex;
  chainRoot: Hex;
  messageCount: number;
  firstBlock: Dec;
  lastBlock: Dec;
};

export type VectorFiles = {
  poseidon: { cases: { arity: 2 | 3 | 5; inputs: Dec[]; output: Dec }[] };
  messages: {
    cases: { name: string; message: MessageJson; leaf: Hex }[];
    tokenPayload: {
      fields: {
        originChainId: Dec;
        originVault: Address;
        originToken: Address;
        name: string;
        symbol: string;
        decimals: number;
      };
      encoded: Hex;
    };
  };
  'batch-tree': {
    zeroHashes: Hex[];
    cases: { depth: number; root: Hex; proofs: { index: number; leaf: Hex; siblings: Hex[] }[] }[];
  };
  'chain-tree': { test: PoseidonTreeVectors; production: PoseidonTreeVectors };
  'shared-tree': { test: SharedTreeVectors; production: SharedTreeVectors };
  aggregation: {
    chainDepth: number;
    sharedDepth: number;
    genesisRoot: Dec;
    shapes: {
      name: string;
      k: number;
      groupSize: number;
      groups: number;
      shapeId: number;
      steps: {
        epoch: number;
        updates: { slot: number; chainId: Dec; batchNumber: Dec; batchRoot: Hex }[];
        oldRoot: Dec;
        newRoot: Dec;
        groups: { slot: number; chainId: Dec; firstBatch: Dec; chainRoot: Dec; batchRoots: Hex[] }[];
        chainRoots: Dec[];
        data: Dec[];
        /** [dataCommitment, challenge, evaluation] */
        publicSignals: [Dec, Dec, Dec];
      }[];
    }[];
  };
  'inclusion-proof': { test: InclusionVector[]; production: InclusionVector[] };
  fees: {
    cases: {
      params: { baseFee: Dec; perByteFee: Dec; dstGasPrice: Dec; exchangeRateE18: Dec };
      payloadLength: Dec;
      gasLimit: Dec;
      fee: Dec;
    }[];
  };
  'asset-ids': { cases: { originChainId: Dec; vault: Address; token: Address; assetId: Hex }[] };
  eip712: {
    domain: { name: string; version: string; chainId: Dec; verifyingContract: Address };
    domainSeparator: Hex;
    typeHashes: { BatchRoot: Hex; ChainRegistration: Hex };
    signer: Address;
    batchRoots: { message: BatchRootJson; digest: Hex; signature: Hex }[];
    chainRegistrations: { message: { chainId: Dec; name: string; operator: Address }; digest: Hex; signature: Hex }[];
  };
};

export const VECTOR_FILES = [
  'poseidon',
  'messages',
  'batch-tree',
  'chain-tree',
  'shared-tree',
  'aggregation',
  'inclusion-proof',
  'fees',
  'asset-ids',
  'eip712',
] as const satisfies readonly (keyof VectorFiles)[];

/** Reads one vector file (typed by its name). */
export function loadVectors<K extends keyof VectorFiles>(name: K): VectorFiles[K] {
  return JSON.parse(readFileSync(join(VECTORS_DIR, `${name}.json`), 'utf8')) as VectorFiles[K];
}
