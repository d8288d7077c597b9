import { HEALTH_CHECK_TIMEOUT_MS, HealthService } from './healthService';

describe('HealthService', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('is ok when every check resolves, and keeps the details a check returns', async () => {
    const service = new HealthService([
      { name: 'a', check: () => Promise.resolve(undefined) },
      { name: 'b', check: () => Promise.resolve({ chainId: '900' }) },
    ]);
    const report = await service.report();
    expect(report.status).toBe('ok');
    expect(report.checks.a!.status).toBe('up');
    expect(report.checks.b).toMatchObject({ status: 'up', details: { chainId: '900' } });
    expect(service.names()).toEqual(['a', 'b']);
  });

  it('is error when one check rejects, naming it and why, while the others stay up', async () => {
    const service = new HealthService([
      { name: 'postgres', check: () => Promise.resolve(undefined) },
      {
        name: 'kafka',
        check: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')),
      },
    ]);
    const report = await service.report();
    expect(report.status).toBe('error');
    expect(report.checks.postgres!.status).toBe('up');
    expect(report.checks.kafka).toMatchObject({ status: 'down', error: 'connect ECONNREFUSED 127.0.0.1:1' });
  });

  it('reports a check that never answers as down once its time budget is spent', async () => {
    jest.useFakeTimers();
    const service = new HealthService([{ name: 'rpc-l1', check: () => new Promise(() => {}) }]);
    const pending = service.report();
    await jest.advanceTimersByTimeAsync(HEALTH_CHECK_TIMEOUT_MS);
    const report = await pending;
    expect(report.status).toBe('error');
    expect(report.checks['rpc-l1']).toMatchObject({
      status: 'down',
      error: `no answer within ${HEALTH_CHECK_TIMEOUT_MS} ms`,
    });
  });

  it('closes every check on shutdown, even when one close fails', async () => {
    const closed: string[] = [];
    const service = new HealthService([
      {
        name: 'a',
        check: () => Promise.resolve(undefined),
        close: () => Promise.reject(new Error('already closed')),
      },
      { name: 'b', check: () => Promise.resolve(undefined), close: () => Promise.resolve(void closed.push('b')) },
    ]);
    await service.onModuleDestroy();
    expect(closed).toEqual(['b']);
  });
});
