import { createHash, timingSafeEqual } from 'node:crypto';

import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';

import { UnauthorizedError } from '../errors/unauthorizedError';

/** Injection token of the admin bearer token (a string, from each app's validated `ADMIN_TOKEN`). */
export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');

/**
 * Guards admin endpoints: the request needs `authorization: Bearer <ADMIN_TOKEN>`, else `UnauthorizedError` (401).
 * Both sides are hashed first, so the constant-time comparison also hides the token's length.
 *
 * @example
 * providers: [{ provide: ADMIN_TOKEN, useValue: config.ADMIN_TOKEN }, AdminTokenGuard]
 * // on a controller method:
 * @UseGuards(AdminTokenGuard)
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(ADMIN_TOKEN) adminToken: string) {
    this.expected = sha256(adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer (.+)$/.exec(header) : null;
    if (!match || !timingSafeEqual(sha256(match[1] ?? ''), this.expected)) throw new UnauthorizedError();
    return true;
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
