import { execFile } from 'node:child_process';
import { join } from 'node:path';

import type { BootstrapHttpAppReturnType } from '@interop/infra';

import { createHubTestEnv, startTestHub, type HubTestEnv } from './harness';

const ROOT = join(__dirname, '..', '..', '..');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads arbitrary JSON
type Json = any;

async function getJson(url: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

describe('hub app shell against real Postgres, Kafka and anvil', () => {
  let env: HubTestEnv;
  let hub: BootstrapHttpAppReturnType;

  beforeAll(async () => {
    env = await createHubTestEnv('shell', { AGGREGATOR_ENABLED: 'false' });
    hub = await startTestHub(env);
  }, 240_000);

  afterAll(async () => {
    await hub?.app.close();
    await env?.close();
  });

  it('GET /health is 200 with Postgres, Kafka, the hub consumer and the L1 RPC up', async () => {
    const { status, body } = await getJson(`${hub.url}/health`);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.checks as object).sort()).toEqual(['kafka', 'kafka-consumers', 'postgres', 'rpc-l1']);
    expect(body.checks['kafka-consumers']).toMatchObject({
      status: 'up',
      details: { 'hub.batch-roots': { state: expect.stringMatching(/^(starting|running)$/), restarts: 0 } },
    });
    expect(body.checks.postgres.status).toBe('up');
    expect(body.checks.kafka).toMatchObject({ status: 'up', details: { brokers: expect.any(Number) } });
    expect(body.checks['rpc-l1']).toMatchObject({ status: 'up', details: { chainId: '900' } });
  });

  it('serves the OpenAPI document at /docs-json and Swagger UI at /docs', async () => {
    const { status, body } = await getJson(`${hub.url}/docs-json`);
    expect(status).toBe(200);
    expect(body.openapi as string).toMatch(/^3\./);
    expect(Object.keys(body.paths as object)).toEqual(
      expect.arrayContaining([
        '/health',
        '/chains',
        '/chains/{chainId}/approve',
        '/roots/latest',
        '/proofs/batch/{chainId}/{batchNumber}',
      ]),
    );
    const ui = await fetch(`${hub.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('answers unknown routes with the project error shape', async () => {
    const { status, body } = await getJson(`${hub.url}/no-such-route`);
    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: 'HTTP_404', message: 'Cannot GET /no-such-route' } });
  });

  it('GET /health turns 503 naming the RPC check when the L1 node goes away', async () => {
    await env.l1.stop();
    const { status, body } = await getJson(`${hub.url}/health`);
    expect(status).toBe(503);
    expect(body.status).toBe('error');
    expect(body.checks['rpc-l1'].status).toBe('down');
    expect(body.checks['rpc-l1'].error).toEqual(expect.any(String));
    expect(body.checks.postgres.status).toBe('up');
  });
});

describe('hub main.ts', () => {
  it('exits 1 at boot with one message naming each missing or bad variable', async () => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KAFKA_BROKERS: 'nohost',
      PORT: '0x10',
    };
    const result = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      const child = execFile(
        'npx',
        ['--no-install', 'tsx', 'apps/hub/src/main.ts'],
        { cwd: ROOT, env },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
      child.stdin?.end();
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid configuration (7 variables):');
    expect(result.stderr).toContain('DATABASE_URL: required but not set');
    expect(result.stderr).toContain('L1_RPC_URL: required but not set');
    expect(result.stderr).toContain('KAFKA_BROKERS: each broker must be host:port');
    expect(result.stderr).toContain('PORT: must be a decimal TCP port');
    expect(result.stderr).toContain('L1_HUB_ADDRESS: required but not set');
    expect(result.stderr).toContain('L1_ADMIN_PRIVATE_KEY: required but not set');
    expect(result.stderr).toContain('ADMIN_TOKEN: required but not set');
    expect(result.stdout).toBe('');
  }, 60_000);
});
