import type { ExecutionContext } from '@nestjs/common';

import { UnauthorizedError } from '../errors/unauthorizedError';
import { AdminTokenGuard } from './adminTokenGuard';

function contextWith(headers: Record<string, unknown>): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => ({ headers }) }) } as unknown as ExecutionContext;
}

describe('AdminTokenGuard', () => {
  const guard = new AdminTokenGuard('s3cret-admin-token');

  it('lets the right bearer token through', () => {
    expect(guard.canActivate(contextWith({ authorization: 'Bearer s3cret-admin-token' }))).toBe(true);
  });

  it.each([
    ['no header', {}],
    ['a wrong token', { authorization: 'Bearer s3cret-admin-tokeN' }],
    ['a prefix of the token', { authorization: 'Bearer s3cret' }],
    ['another scheme', { authorization: 'Basic s3cret-admin-token' }],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['a non-string header', { authorization: ['Bearer s3cret-admin-token'] }],
  ])('refuses %s with UNAUTHORIZED', (_name, headers) => {
    expect(() => guard.canActivate(contextWith(headers))).toThrow(UnauthorizedError);
  });
});
