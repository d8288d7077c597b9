/** Test helper: flips bit `bit` of a non-negative bigint. */
export function flipBit(x: bigint, bit: number): bigint {
  return x ^ (1n << BigInt(bit));
}
