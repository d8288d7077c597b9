/** Parameters shared by every protocol error. */
export type ProtocolErrorParameters = {
  /** Extra detail about the failing value (shown after the short message). */
  details?: string | undefined;
  /** The underlying error, e.g. a viem decoding error that was wrapped. */
  cause?: unknown;
};

/**
 * Base class of every error thrown by `@interop/protocol`. Callers can catch `ProtocolError` and switch on `code`,
 * which is stable across releases (messages are not).
 *
 * @example
 * try {
 *   poseidon([r]);
 * } catch (e) {
 *   if (e instanceof ProtocolError) console.log(e.code); // 'FIELD_ELEMENT_OUT_OF_RANGE'
 * }
 */
export abstract class ProtocolError extends Error {
  /** Stable machine-readable code, e.g. `FIELD_ELEMENT_OUT_OF_RANGE`. */
  abstract readonly code: string;
  /** One-line human description without details. */
  readonly shortMessage: string;
  /** Extra detail about the failing value, if any. */
  readonly details: string | undefined;

  constructor(shortMessage: string, parameters: ProtocolErrorParameters = {}) {
    super(parameters.details ? `${shortMessage}\n\nDetails: ${parameters.details}` : shortMessage, {
      cause: parameters.cause,
    });
    this.shortMessage = shortMessage;
    this.details = parameters.details;
    this.name = new.target.name;
  }
}
