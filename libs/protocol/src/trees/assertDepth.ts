import { InvalidTreeDepthError } from '../errors/tree';

/** Largest depth a Poseidon tree in this library accepts (leaf indexes must fit a JS number). */
export const MAX_TREE_DEPTH = 32;

/** Throws unless depth is an integer in 1..MAX_TREE_DEPTH. */
export function assertDepth(depth: number): void {
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_TREE_DEPTH) {
    throw new InvalidTreeDepthError({ depth, max: MAX_TREE_DEPTH });
  }
}
