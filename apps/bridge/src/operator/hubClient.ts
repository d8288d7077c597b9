import { Inject, Injectable } from '@nestjs/common';

import { BRIDGE_CONFIG, type BridgeConfig } from '../config/bridgeConfig';
import { HubError, HubNotConfiguredError, HubUnreachableError } from './operatorErrors';

/** The hub's public GET API (HUB_URL), read by the operator endpoints. */
@Injectable()
export class HubClient {
  constructor(@Inject(BRIDGE_CONFIG) private readonly config: Pick<BridgeConfig, 'HUB_URL'>) {}

  get configured(): boolean {
    return this.config.HUB_URL !== undefined;
  }

  /** GET `path` (with its query) on the hub; hub errors keep their code and status. */
  async get(path: string): Promise<unknown> {
    const base = this.config.HUB_URL;
    if (base === undefined) throw new HubNotConfiguredError();
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(10_000) });
    } catch (e) {
      throw new HubUnreachableError(base, e);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      throw new HubError('HUB_BAD_RESPONSE', 502, `the hub answered ${res.status} with a non-JSON body`);
    }
    if (!res.ok) {
      const error = (body as { error?: { code?: unknown; message?: unknown } }).error;
      throw new HubError(
        typeof error?.code === 'string' ? error.code : 'HUB_ERROR',
        res.status,
        typeof error?.message === 'string' ? error.message : `the hub answered ${res.status}`,
      );
    }
    return body;
  }
}
