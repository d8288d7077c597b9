import { AppError } from '@interop/infra';

/**
 * The chain replaced a block that holds sealed (signed, possibly published) messages: deeper than CONFIRMATIONS.
 * The app cannot unsign a batch, so the watcher stops and the operator must investigate (raise CONFIRMATIONS).
 */
export class DeepReorgError extends AppError {
  constructor(details: { forkPoint: string | null; lastSealedBlock: string }) {
    super(
      'CHAIN_DEEP_REORG',
      500,
      `reorg below the last sealed block ${details.lastSealedBlock} (fork point ${details.forkPoint ?? 'unknown'}): ` +
        'sealed batches are final; raise CONFIRMATIONS',
      { details },
    );
  }
}

/** A block range could not be read consistently (the chain moved while reading); the next poll retries. */
export class InconsistentReadError extends AppError {
  constructor(reason: string) {
    super('CHAIN_INCONSISTENT_READ', 503, `chain changed while reading: ${reason}`);
  }
}

/** The chain's handler holds another root for an epoch than L1 settled: the handler or the L1 config is wrong. */
export class RootMismatchError extends AppError {
  constructor(details: { epoch: string; l1Root: string; handlerRoot: string }) {
    super(
      'CHAIN_ROOT_MISMATCH',
      500,
      `InteropHandler has root ${details.handlerRoot} for epoch ${details.epoch}, L1 settled ${details.l1Root}`,
      { details },
    );
  }
}

/** A transaction the app sent reverted. */
export class TransactionRevertedError extends AppError {
  constructor(what: string, txHash: string) {
    super('CHAIN_TX_REVERTED', 502, `${what} reverted (tx ${txHash})`, { details: { txHash } });
  }
}

/** A stored message does not hash to its id (corrupt row or protocol mismatch): never sign such a batch. */
export class MessageIdMismatchError extends AppError {
  constructor(details: { stored: string; computed: string }) {
    super('CHAIN_MESSAGE_ID_MISMATCH', 500, `message ${details.stored} hashes to ${details.computed}`, { details });
  }
}

/**
 * The stored chain tree does not agree with the sealed batches (frontier size or root against the last batch, or a
 * rebuilt root against a signed chain root): signing the next chain root from it could sign a wrong tree, so the
 * batcher stops (health red) until an operator investigates.
 */
export class ChainTreeMismatchError extends AppError {
  constructor(reason: string, details: Record<string, string | null> = {}) {
    super('CHAIN_TREE_MISMATCH', 500, `chain tree does not match the sealed batches: ${reason}`, { details });
  }
}

/** 2^CHAIN_DEPTH batches are sealed: the chain tree (SPEC "Chain tree") has no room for another batch. */
export class ChainTreeFullError extends AppError {
  constructor(details: { chainDepth: number; batches: string }) {
    super(
      'CHAIN_TREE_FULL',
      500,
      `the chain tree of depth ${details.chainDepth} is full (${details.batches} batches): no batch can be sealed`,
      { details },
    );
  }
}

/** L1 InteropHub answered a CHAIN_DEPTH this app cannot build a tree of. */
export class UnsupportedChainDepthError extends AppError {
  constructor(details: { hub: string; chainDepth: number; max: number }) {
    super(
      'CHAIN_DEPTH_UNSUPPORTED',
      500,
      `L1 InteropHub ${details.hub} has CHAIN_DEPTH ${details.chainDepth}; this app supports 1..${details.max}`,
      { details },
    );
  }
}
