import { AppError, ConflictError, NotFoundError, ValidationError } from '@interop/infra';

// The hub's typed errors. `code` is stable (clients switch on it); libs/infra's GlobalExceptionFilter maps each to
// HTTP once, from `httpStatus`.

/** No chain with this id was registered. */
export class ChainUnknownError extends NotFoundError {
  constructor(chainId: bigint) {
    super('CHAIN_UNKNOWN', `chain ${chainId} is not registered`, { details: { chainId } });
  }
}

/** A chain id registers once. */
export class ChainDuplicateError extends ConflictError {
  constructor(chainId: bigint, status: string) {
    super('CHAIN_DUPLICATE', `chain ${chainId} is already registered (status ${status})`, {
      details: { chainId, status },
    });
  }
}

/** The registration signature does not recover to the claimed operator. */
export class SignatureInvalidError extends ValidationError {
  constructor(expected: string, recovered: string | null, why?: string) {
    super('SIGNATURE_INVALID', `the ChainRegistration signature is not the operator's${why ? `: ${why}` : ''}`, {
      details: { expected, recovered },
    });
  }
}

/** Every shared-tree slot is taken. */
export class SlotSpaceFullError extends ConflictError {
  constructor(capacity: number) {
    super('SLOT_SPACE_FULL', `all ${capacity} shared-tree slots are taken`, { details: { capacity } });
  }
}

/** The chain is not in the state the operation needs (e.g. approving an active chain, resuming a running one). */
export class ChainStateError extends ConflictError {
  constructor(code: 'CHAIN_NOT_PENDING' | 'CHAIN_NOT_ACTIVE' | 'CHAIN_NOT_PAUSED', chainId: bigint, status: string) {
    super(code, `chain ${chainId} is ${status}`, { details: { chainId, status } });
  }
}

/** An L1 transaction reverted or L1 disagrees with the hub's records. */
export class L1TransactionError extends AppError {
  constructor(what: string, details: Record<string, unknown>, cause?: unknown) {
    super('L1_TX_FAILED', 502, `L1 ${what} failed`, { details, cause });
  }
}

/** No settled epoch with this number (or none at all yet). */
export class EpochUnknownError extends NotFoundError {
  constructor(epoch?: bigint) {
    super('EPOCH_UNKNOWN', epoch === undefined ? 'no epoch has settled yet' : `epoch ${epoch} is not settled`, {
      details: epoch === undefined ? undefined : { epoch },
    });
  }
}

/** The batch is unknown, or not part of the shared root of the requested epoch. */
export class BatchNotSettledError extends NotFoundError {
  constructor(chainId: bigint, batchNumber: bigint, epoch: bigint | undefined) {
    super(
      'BATCH_NOT_SETTLED',
      `batch ${batchNumber} of chain ${chainId} is not in the shared root of ${epoch === undefined ? 'any settled epoch' : `epoch ${epoch}`}`,
      { details: { chainId, batchNumber, epoch } },
    );
  }
}
