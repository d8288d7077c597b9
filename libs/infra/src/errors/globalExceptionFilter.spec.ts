import { Controller, Get, type INestApplication, Module, Param } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { z } from 'zod';

import { AppError } from './appError';
import { ConflictError } from './conflictError';
import { GlobalExceptionFilter } from './globalExceptionFilter';
import { NotFoundError } from './notFoundError';

class QuotaExceededError extends AppError {
  constructor(limit: bigint) {
    super('QUOTA_EXCEEDED', 429, 'rate limit exceeded', { details: { limit } });
  }
}

@Controller('things')
class ThingsController {
  @Get('missing/:id')
  missing(@Param('id') id: string): never {
    throw new NotFoundError('THING_NOT_FOUND', `thing ${id} does not exist`, { details: { id } });
  }

  @Get('conflict')
  conflict(): never {
    throw new ConflictError('THING_EXISTS', 'thing already exists');
  }

  @Get('quota')
  quota(): never {
    throw new QuotaExceededError(2n ** 70n);
  }

  @Get('zod')
  zod(): unknown {
    return z.object({ amount: z.string().regex(/^\d+$/) }).parse({ amount: '-3' });
  }

  @Get('bug')
  bug(): never {
    throw new TypeError('secret internal detail');
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('GlobalExceptionFilter', () => {
  let app: INestApplication;
  const server = (): Parameters<typeof request>[0] => app.getHttpServer() as Parameters<typeof request>[0];
  const logged: string[] = [];

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ThingsModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(
      new GlobalExceptionFilter({ log: () => {}, warn: () => {}, error: (m: unknown) => void logged.push(String(m)) }),
    );
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('maps an AppError subclass to its HTTP status and { error: { code, message, details } }', async () => {
    const res = await request(server()).get('/things/missing/42').expect(404);
    expect(res.body).toEqual({
      error: { code: 'THING_NOT_FOUND', message: 'thing 42 does not exist', details: { id: '42' } },
    });
    const conflict = await request(server()).get('/things/conflict').expect(409);
    expect(conflict.body).toEqual({ error: { code: 'THING_EXISTS', message: 'thing already exists' } });
  });

  it('uses the status of a custom AppError and sends bigint details as decimal strings', async () => {
    const res = await request(server()).get('/things/quota').expect(429);
    expect(res.body.error).toEqual({
      code: 'QUOTA_EXCEEDED',
      message: 'rate limit exceeded',
      details: { limit: (2n ** 70n).toString() },
    });
  });

  it('maps a ZodError to 400 VALIDATION_FAILED with the issues', async () => {
    const res = await request(server()).get('/things/zod').expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'amount', code: 'invalid_format' })]);
  });

  it('maps an unknown route to HTTP_404 and an unexpected error to a generic 500 that is logged, not sent', async () => {
    const notFound = await request(server()).get('/nowhere').expect(404);
    expect(notFound.body.error.code).toBe('HTTP_404');
    const res = await request(server()).get('/things/bug').expect(500);
    expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    expect(JSON.stringify(res.body)).not.toContain('secret');
    expect(logged.some((l) => l.includes('secret internal detail'))).toBe(true);
  });

  it("maps another copy's HttpException (ESM and CJS @nestjs/common under tsx) to its status, not a 500", () => {
    // What the body parser throws for malformed JSON when the filter's HttpException is the other module's class.
    const foreign = {
      message: 'Unexpected token',
      getStatus: () => 400,
      getResponse: () => ({ message: 'Unexpected token } in JSON at position 6', statusCode: 400 }),
    };
    expect(new GlobalExceptionFilter().map(foreign)).toEqual({
      status: 400,
      body: { error: { code: 'HTTP_400', message: 'Unexpected token } in JSON at position 6' } },
    });
  });
});
