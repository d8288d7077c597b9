import { ConfigError } from '@interop/infra';

import { checkL1Depths, type L1Depths } from './checkL1Depths';

const HUB = '0x5FbDB2315678afecb367f032d93F642f64180aa3' as const;
const config = { depths: { batchDepth: 16, chainDepth: 20, sharedDepth: 10 }, L1_HUB_ADDRESS: HUB };

/** An L1 that fails `failures` times, then answers `depths`. */
function flakyL1(failures: number, depths: L1Depths) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    l1Depths: () => {
      calls++;
      return calls <= failures
        ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:8545'))
        : Promise.resolve(depths);
    },
  };
}

describe('checkL1Depths', () => {
  it('passes when the depths are L1 InteropHub immutables, and skips without L1_HUB_ADDRESS', async () => {
    const l1 = flakyL1(0, { chainDepth: 20, sharedDepth: 10 });
    await expect(checkL1Depths(config, l1)).resolves.toEqual({ chainDepth: 20, sharedDepth: 10 });
    const unused = flakyL1(0, { chainDepth: 1, sharedDepth: 1 });
    await expect(checkL1Depths({ ...config, L1_HUB_ADDRESS: undefined }, unused)).resolves.toBeUndefined();
    expect(unused.calls).toBe(0);
  });

  it('names each variable that differs from L1', async () => {
    const err = await checkL1Depths(config, flakyL1(0, { chainDepth: 16, sharedDepth: 8 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues.map((i) => i.variable)).toEqual(['CHAIN_DEPTH', 'SHARED_DEPTH']);
    expect((err as ConfigError).message).toContain(
      `CHAIN_DEPTH: is 20, but the L1 InteropHub ${HUB} has CHAIN_DEPTH() = 16`,
    );
    const one = await checkL1Depths(config, flakyL1(0, { chainDepth: 20, sharedDepth: 8 })).catch((e: unknown) => e);
    expect((one as ConfigError).issues.map((i) => i.variable)).toEqual(['SHARED_DEPTH']);
  });

  it('retries with capped, doubling backoff while L1 is away, then checks', async () => {
    const l1 = flakyL1(4, { chainDepth: 20, sharedDepth: 10 });
    const warnings: string[] = [];
    const depths = await checkL1Depths(config, l1, {
      initialBackoffMs: 1,
      maxBackoffMs: 4,
      warn: (m) => warnings.push(m),
    });
    expect(depths).toEqual({ chainDepth: 20, sharedDepth: 10 });
    expect(l1.calls).toBe(5);
    expect(warnings.map((w) => /retrying in (\d+) ms/.exec(w)?.[1])).toEqual(['1', '2', '4', '4']);
    expect(warnings[0]).toContain('ECONNREFUSED');
  });
});
