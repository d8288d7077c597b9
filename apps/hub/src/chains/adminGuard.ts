import { timingSafeEqual, createHash } from 'node:crypto';

import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';

import { HUB_CONFIG, type HubConfig } from '../config/hubConfig';
import { UnauthorizedError } from '../errors/hubErrors';

/**
 * Admin endpoints need `authorization: Bearer <ADMIN_TOKEN>`. Both sides are hashed first so the constant-time
 * comparison also hides the token's length.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(HUB_CONFIG) config: HubConfig) {
    this.expected = createHash('sha256').update(config.ADMIN_TOKEN).digest();
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer (.+)$/.exec(header) : null;
    const given = createHash('sha256')
      .update(match?.[1] ?? '')
      .digest();
    if (!match || !timingSafeEqual(given, this.expected)) throw new UnauthorizedError();
    return true;
  }
}
