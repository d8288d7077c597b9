/**
 * r, the BN254 (alt_bn128) scalar field order: the field Poseidon and the circuits work in.
 * Mirrors `poseidon-solidity` (PoseidonT3/T4/T6) and circom's default prime.
 */
export const BN254_FIELD_ORDER = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
