import { ConfigError } from '@interop/infra';

import { UnsupportedChainDepthError } from '../errors/chainErrors';
import { resolveChainDepth } from './resolveChainDepth';

const HUB = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

/** An L1 that fails `failures` times, then answers `depth`; delays are recorded, not waited. */
function setup(depth: number, failures: number, configured?: number) {
  let calls = 0;
  const delays: number[] = [];
  const warnings: string[] = [];
  const run = () =>
    resolveChainDepth({
      read: () =>
        calls++ < failures ? Promise.reject(new Error('connect ECONNREFUSED\nstack')) : Promise.resolve(depth),
      configured,
      hub: HUB,
      logger: { warn: (m) => warnings.push(m), log: () => undefined },
      delay: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
      initialDelayMs: 100,
      maxDelayMs: 1_000,
    });
  return { run, delays, warnings, calls: () => calls };
}

describe('resolveChainDepth', () => {
  it('retries an unreachable L1 with a doubling, capped delay, logging each failure, until it answers', async () => {
    const { run, delays, warnings, calls } = setup(20, 6);
    await expect(run()).resolves.toBe(20);
    expect(calls()).toBe(7);
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(warnings).toHaveLength(6);
    expect(warnings[0]).toBe(
      `reading CHAIN_DEPTH() of L1 InteropHub ${HUB} failed (attempt 1, retrying in 100 ms): connect ECONNREFUSED`,
    );
  });

  it('accepts a CHAIN_DEPTH variable equal to L1, and fails naming it when it differs', async () => {
    await expect(setup(20, 0, 20).run()).resolves.toBe(20);
    const error = await setup(20, 1, 16)
      .run()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { variable: 'CHAIN_DEPTH', reason: `is 16 but L1 InteropHub ${HUB} has CHAIN_DEPTH 20` },
    ]);
  });

  it('refuses a depth the Poseidon trees cannot hold', async () => {
    await expect(setup(33, 0).run()).rejects.toBeInstanceOf(UnsupportedChainDepthError);
    await expect(setup(0, 0).run()).rejects.toMatchObject({ code: 'CHAIN_DEPTH_UNSUPPORTED' });
  });
});
