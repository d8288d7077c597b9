// Public API of @interop/prover: the aggregation circuit's artifacts, inputs, proving pool, verification,
// Solidity encoding, proof-chain checks and the Kafka proof worker.
export * from './errors';
export * from './types';
export * from './circuitArtifacts';
export * from './buildCircuitInput';
export * from './prover';
export * from './verifyAggregationProof';
export * from './toSolidityProof';
export * from './verifyProofChain';
export * from './proofMessages';
export * from './proofWorker';
export * from './setup/zkCache';
