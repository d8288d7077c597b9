import { startAnvil, type AnvilInstance } from '../testing/anvil';
import { freePort } from '../testing/anvil';
import { kafkaHealthCheck } from './kafkaHealthCheck';
import { rpcHealthCheck } from './rpcHealthCheck';

describe('health checks against real nodes', () => {
  let l2: AnvilInstance;

  beforeAll(async () => {
    l2 = await startAnvil({ chainId: 901 });
  });

  afterAll(async () => {
    await l2?.stop();
  });

  it('rpcHealthCheck passes on the right chain and fails on the wrong one', async () => {
    await expect(rpcHealthCheck({ name: 'rpc', url: l2.rpcUrl, expectedChainId: 901n }).check()).resolves.toEqual({
      chainId: '901',
    });
    await expect(rpcHealthCheck({ name: 'rpc', url: l2.rpcUrl, expectedChainId: 902n }).check()).rejects.toThrow(
      `${l2.rpcUrl} is chain 901, expected 902`,
    );
  });

  it('rpcHealthCheck fails when nothing listens', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    await expect(rpcHealthCheck({ name: 'rpc', url }).check()).rejects.toThrow();
  });

  it('kafkaHealthCheck fails within the health budget when no broker listens', async () => {
    const check = kafkaHealthCheck({ brokers: `127.0.0.1:${await freePort()}`, clientId: 'health-test' });
    const started = Date.now();
    try {
      await expect(check.check()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await check.close?.();
    }
  });

  it('kafkaHealthCheck answers with the cluster when KAFKA_BROKERS is reachable', async () => {
    const brokers = process.env.KAFKA_BROKERS;
    if (!brokers) throw new Error('KAFKA_BROKERS is not set: run through `npm test` or `scripts/infra/kafka.sh start`');
    const check = kafkaHealthCheck({ brokers, clientId: 'health-test' });
    try {
      await expect(check.check()).resolves.toMatchObject({
        brokers: expect.any(Number),
        clusterId: expect.any(String),
      });
    } finally {
      await check.close?.();
    }
  });
});
