import { InvalidUpdateError } from '../errors/aggregation';
import { ProtocolError } from '../errors/base';
import { poseidon5 } from '../poseidon/poseidon';
import { toField } from '../poseidon/toField';
import type { Update } from './types';

/**
 * Commitment to a step's real updates, in order: `c0 = 0`, `c(i) = P5(c(i-1), slot, chainId, batchNumber,
 * toField(batchRoot))`. It is the circuit's third public signal and L1 recomputes it from the calldata updates.
 * Mirrors contracts/src/libraries/Commitment.sol and circuits/src/commitment.circom.
 *
 * @throws {InvalidUpdateError} if a field is not a canonical field element or the batch root is not bytes32.
 *
 * @example
 * updatesCommitment([{ slot: 0, chainId: 31337n, batchNumber: 0n, batchRoot: '0x' + '11'.repeat(32) }]);
 */
export function updatesCommitment(updates: readonly Update[]): bigint {
  let c = 0n;
  updates.forEach((u, i) => {
    if (!Number.isInteger(u.slot) || u.slot < 0) {
      throw new InvalidUpdateError({ index: i, details: `slot ${u.slot} is not a non-negative integer` });
    }
    try {
      c = poseidon5(c, BigInt(u.slot), u.chainId, u.batchNumber, toField(u.batchRoot));
    } catch (e) {
      if (e instanceof ProtocolError) throw new InvalidUpdateError({ index: i, details: e.message });
      throw e;
    }
  });
  return c;
}
