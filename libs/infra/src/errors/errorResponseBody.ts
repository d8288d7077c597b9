/** The one JSON shape of every error answer of the apps' HTTP APIs. */
export type ErrorResponseBody = {
  error: {
    /** Stable machine-readable code, e.g. `CHAIN_NOT_FOUND`, `VALIDATION_FAILED`, `INTERNAL`. */
    code: string;
    message: string;
    details?: unknown;
  };
};
