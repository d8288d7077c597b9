import { AppError } from '@interop/infra';

/** HUB_URL is not set: the operator page cannot show hub data. */
export class HubNotConfiguredError extends AppError {
  constructor() {
    super('HUB_NOT_CONFIGURED', 503, 'the bridge has no HUB_URL: hub data (chains, epochs) is unavailable');
  }
}

/** The hub did not answer. */
export class HubUnreachableError extends AppError {
  constructor(url: string, cause: unknown) {
    super(
      'HUB_UNREACHABLE',
      502,
      `the hub at ${url} did not answer: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
}

/** The hub answered with an error; its code and message are passed on. */
export class HubError extends AppError {
  constructor(code: string, status: number, message: string) {
    super(code, status, message);
  }
}
