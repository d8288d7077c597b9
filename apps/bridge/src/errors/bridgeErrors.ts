import { ConflictError, NotFoundError, ValidationError } from '@interop/infra';

// The bridge's typed errors. `code` is stable (clients switch on it); libs/infra's GlobalExceptionFilter maps each
// to HTTP once, from `httpStatus`.

/** No message with this id is known to the bridge. */
export class MessageNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('MESSAGE_NOT_FOUND', `message ${id} is unknown`, { details: { id } });
  }
}

/** The chain is not in CHAINS_JSON. */
export class ChainNotConfiguredError extends ValidationError {
  constructor(chainId: bigint) {
    super('CHAIN_NOT_CONFIGURED', `chain ${chainId} is not configured in CHAINS_JSON`, { details: { chainId } });
  }
}

/** The source InteropCenter has no fee parameters for the destination (it would refuse the message). */
export class RouteNotConfiguredError extends ValidationError {
  constructor(src: bigint, dst: bigint) {
    super('ROUTE_NOT_CONFIGURED', `chain ${src} has no fee parameters for destination ${dst}`, {
      details: { src, dst },
    });
  }
}

/** A retry asked for a message that is not in a retryable state. */
export class NotRetryableError extends ConflictError {
  constructor(id: string, why: string) {
    super('NOT_RETRYABLE', `message ${id} cannot be retried: ${why}`, { details: { id } });
  }
}

/** The destination handler refused `retryMessage` (the recipient reverted again). */
export class RetryFailedError extends ConflictError {
  constructor(id: string, reason: string) {
    super('RETRY_FAILED', `retryMessage(${id}) reverted: ${reason}`, { details: { id, reason } });
  }
}

/** A fee-policy version that cannot be stored. */
export class FeePolicyInvalidError extends ValidationError {
  constructor(message: string) {
    super('FEE_POLICY_INVALID', message);
  }
}
