import { ProtocolError } from './base';

/** An aggregation step got more updates than the circuit's K. */
export class TooManyUpdatesError extends ProtocolError {
  readonly code = 'TOO_MANY_UPDATES';
  constructor({ count, k }: { count: number; k: number }) {
    super(`An aggregation step takes at most ${k} updates, got ${count}.`);
  }
}

/** An update's slot is outside the shared tree. */
export class InvalidSlotError extends ProtocolError {
  readonly code = 'INVALID_SLOT';
  constructor({ slot, capacity }: { slot: number; capacity: number }) {
    super(`Slot ${slot} is outside the shared tree.`, { details: `expected an integer in 0..${capacity - 1}` });
  }
}

/** An update's batch number is not the chain's next one. */
export class UnexpectedBatchNumberError extends ProtocolError {
  readonly code = 'UNEXPECTED_BATCH_NUMBER';
  constructor({ chainId, expected, actual }: { chainId: bigint; expected: bigint; actual: bigint }) {
    super(`Chain ${chainId} expects batch ${expected} next, got ${actual}.`, {
      details: 'batch numbers start at 0 and are consecutive per chain',
    });
  }
}

/** A slot is already used by another chain, or a chain already sits in another slot. */
export class SlotConflictError extends ProtocolError {
  readonly code = 'SLOT_CONFLICT';
  constructor({ slot, chainId, details }: { slot: number; chainId: bigint; details: string }) {
    super(`Chain ${chainId} cannot use slot ${slot}.`, { details });
  }
}

/** An update's chain id or batch root is malformed. */
export class InvalidUpdateError extends ProtocolError {
  readonly code = 'INVALID_UPDATE';
  constructor({ index, details }: { index: number; details: string }) {
    super(`Update ${index} is invalid.`, { details });
  }
}

/** Aggregation witnesses do not describe a valid step (what the circuit would refuse to prove). */
export class InvalidAggregationWitnessError extends ProtocolError {
  readonly code = 'INVALID_AGGREGATION_WITNESS';
  constructor({ index, details }: { index: number; details: string }) {
    super(`Aggregation witness ${index} is invalid.`, { details });
  }
}

/** An update list does not fit the circuit's epoch shape (groups of one chain inside one aligned block). */
export class EpochShapeError extends ProtocolError {
  readonly code = 'EPOCH_SHAPE';
  constructor({ details }: { details: string }) {
    super('The updates do not fit the epoch shape of the aggregation circuit.', { details });
  }
}
