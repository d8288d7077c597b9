import { Writable } from 'node:stream';

import { PinoLogger } from './pinoLogger';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('PinoLogger', () => {
  it('writes one JSON line per Nest log call with level label, service and context', () => {
    const out = capture();
    const logger = new PinoLogger({ name: 'hub', level: 'debug', destination: out.stream });
    logger.log('started', 'NestApplication');
    logger.warn('slow', 'Batcher');
    logger.debug('detail');
    logger.error('boom', 'Error: boom\n    at x', 'Relayer');
    const lines = out.lines();
    expect(lines.map((l) => [l.level, l.msg, l.context])).toEqual([
      ['info', 'started', 'NestApplication'],
      ['warn', 'slow', 'Batcher'],
      ['debug', 'detail', undefined],
      ['error', 'boom', 'Relayer'],
    ]);
    expect(lines[3]!.stack).toContain('at x');
    expect(lines.every((l) => l.service === 'hub' && typeof l.time === 'string')).toBe(true);
  });

  it('drops lines below the configured level', () => {
    const out = capture();
    const logger = new PinoLogger({ name: 'bridge', level: 'warn', destination: out.stream });
    logger.log('ignored');
    logger.debug('ignored');
    logger.warn('kept');
    expect(out.lines().map((l) => l.msg)).toEqual(['kept']);
  });

  it('logs structured objects as fields', () => {
    const out = capture();
    const logger = new PinoLogger({ name: 'chain-901', destination: out.stream });
    logger.log({ msg: 'batch sealed', batchNumber: 7 }, 'Batcher');
    expect(out.lines()[0]).toMatchObject({ msg: 'batch sealed', batchNumber: 7, context: 'Batcher' });
  });
});
