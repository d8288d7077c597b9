import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Writable } from 'node:stream';
import request from 'supertest';

import { PinoLogger } from './pinoLogger';
import { requestLogger } from './requestLogger';

@Controller()
class PingController {
  @Get('ping')
  ping(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

describe('requestLogger', () => {
  let app: INestApplication;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    });
    const logger = new PinoLogger({ name: 'test', level: 'info', destination });
    app = (await Test.createTestingModule({ imports: [PingModule] }).compile()).createNestApplication({
      logger: false,
    });
    app.use(requestLogger(logger.child('http')));
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  const server = (): Parameters<typeof request>[0] => app.getHttpServer() as Parameters<typeof request>[0];

  it('logs one line per request with method, path, status and duration, and echoes the caller request id', async () => {
    const res = await request(server()).get('/ping?x=1').set('x-request-id', 'req-42').expect(200);
    expect(res.headers['x-request-id']).toBe('req-42');
    const line = lines.find((l) => l.requestId === 'req-42');
    expect(line).toMatchObject({
      msg: 'request',
      context: 'http',
      method: 'GET',
      path: '/ping?x=1',
      status: 200,
      level: 'info',
    });
    expect(typeof line!.durationMs).toBe('number');
  });

  it('creates a request id when the caller sends none', async () => {
    const res = await request(server()).get('/missing').expect(404);
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.find((l) => l.requestId === id)).toMatchObject({ status: 404 });
  });
});
