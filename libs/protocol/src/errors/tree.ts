import { ProtocolError } from './base';

/** A tree depth is not an integer in the supported range. */
export class InvalidTreeDepthError extends ProtocolError {
  readonly code = 'INVALID_TREE_DEPTH';
  constructor({ depth, max }: { depth: number; max: number }) {
    super(`Tree depth ${depth} is not supported.`, { details: `expected an integer in 0..${max}` });
  }
}

/** An append-only tree has no room for another leaf. */
export class TreeFullError extends ProtocolError {
  readonly code = 'TREE_FULL';
  constructor({ depth }: { depth: number }) {
    super(`The tree of depth ${depth} is full.`, { details: `capacity is 2^${depth} leaves` });
  }
}

/** A leaf index or slot is outside the tree (or beyond the leaves stored so far). */
export class LeafIndexOutOfRangeError extends ProtocolError {
  readonly code = 'LEAF_INDEX_OUT_OF_RANGE';
  constructor({
    index,
    limit,
    what = 'leaf index',
  }: {
    index: number | bigint;
    limit: number | bigint;
    what?: string;
  }) {
    super(`The ${what} ${index} is out of range.`, { details: `expected an integer in 0..${limit} (exclusive)` });
  }
}

/** A Merkle path has the wrong number of siblings for the configured depth. */
export class InvalidPathLengthError extends ProtocolError {
  readonly code = 'INVALID_PATH_LENGTH';
  constructor({ what, expected, actual }: { what: string; expected: number; actual: number }) {
    super(`The ${what} has ${actual} siblings, expected ${expected}.`, {
      details: 'path lengths must equal the configured tree depth exactly',
    });
  }
}
