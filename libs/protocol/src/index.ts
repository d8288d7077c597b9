// Public API of @interop/protocol (SPEC.md). Pure functions; no I/O.
export * from './errors/base';
export * from './errors/field';
export * from './errors/tree';
export * from './errors/aggregation';

export * from './poseidon/bn254FieldOrder';
export * from './poseidon/poseidon';
export * from './poseidon/toField';
export * from './poseidon/fieldToBytes32';
export * from './poseidon/bytes32ToField';
export * from './poseidon/domainTags';
export * from './poseidon/batchLeaf';
export * from './poseidon/chainLeaf';
export * from './poseidon/poseidonZeroHashes';

export * from './trees/depths';
export * from './trees/poseidonProof';
export * from './trees/computePoseidonRoot';
export * from './trees/IncrementalPoseidonTree';
export * from './trees/ChainTree';
export * from './trees/SharedTree';

export * from './aggregation/types';
export * from './aggregation/AggregationState';
export * from './aggregation/epochShape';
export * from './aggregation/planEpochUpdates';
export * from './aggregation/chooseEpochShape';
export * from './aggregation/epochData';
export * from './aggregation/epochPublicSignals';
export * from './aggregation/verifyAggregationStep';

export * from './errors/encoding';
export * from './errors/inclusion';
export * from './errors/signature';
export * from './errors/fee';

export * from './message/messageKind';
export * from './message/interopMessage';
export * from './message/encodeMessage';
export * from './message/messageLeaf';
export * from './message/interopMessageFromJson';
export * from './message/tokenPayload';
export * from './message/encodeTokenPayload';
export * from './message/decodeTokenPayload';
export * from './message/assetIdOf';

export * from './batch/batchZeroHashes';
export * from './batch/computeBatchRoot';
export * from './batch/BatchTree';
export * from './batch/buildBatchTree';

export * from './inclusion/inclusionProof';
export * from './inclusion/inclusionProofJson';
export * from './inclusion/buildInclusionProof';
export * from './inclusion/verifyInclusionProof';
export * from './inclusion/encodeInclusionProof';
export * from './inclusion/decodeInclusionProof';
export * from './inclusion/inclusionProofToJson';
export * from './inclusion/inclusionProofFromJson';

export * from './eip712/interopHubDomain';
export * from './eip712/types';
export * from './eip712/toAccount';
export * from './eip712/signBatchRoot';
export * from './eip712/recoverBatchRootSigner';
export * from './eip712/signChainRegistration';
export * from './eip712/recoverChainRegistrationSigner';

export * from './fees/computeInteropFee';

export * from './records/fieldBytes32Schema';
export * from './records/batchRootRecord';
export * from './records/messageRecord';
export * from './records/sharedRootRecord';
