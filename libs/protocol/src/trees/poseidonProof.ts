/** A Poseidon Merkle proof: the leaf, its index, the siblings from the leaf level up, and the root they give. */
export type PoseidonProof = {
  readonly leaf: bigint;
  readonly index: number;
  readonly siblings: readonly bigint[];
  readonly root: bigint;
};
