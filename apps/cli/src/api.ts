import { CliError } from './errors';

/** An error answer of the hub or the bridge: `{ error: { code, message } }`. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** JSON over HTTP to one app (hub or bridge), with errors as one-line CliErrors. */
export class ApiClient {
  constructor(
    readonly name: 'hub' | 'bridge',
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  get<T>(path: string, admin = false): Promise<T> {
    return this.request<T>('GET', path, undefined, admin);
  }

  post<T>(path: string, body?: unknown, admin = false): Promise<T> {
    return this.request<T>('POST', path, body, admin);
  }

  async request<T>(method: 'GET' | 'POST', path: string, body: unknown, admin: boolean): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(admin && this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
      throw new CliError(`cannot reach the ${this.name} at ${this.baseUrl} (${why})`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      throw new CliError(`the ${this.name} answered ${method} ${path} with ${res.status} and a body that is not JSON`);
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const code = typeof err?.code === 'string' ? err.code : `HTTP_${res.status}`;
      const message = typeof err?.message === 'string' ? err.message : `${method} ${path} answered ${res.status}`;
      throw new ApiError(res.status, code, `${this.name}: ${message} (${code})`);
    }
    return json as T;
  }
}
