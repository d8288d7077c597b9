import { PollingLoop } from './pollingLoop';

describe('PollingLoop', () => {
  it('never overlaps runs, runs again at once when kicked during a run, and stop waits for the run', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release: (() => void) | undefined;
    const started: Array<() => void> = [];
    const loop = new PollingLoop(60_000, async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      runs++;
      started.shift()?.();
      await new Promise<void>((r) => (release = r));
      active--;
    });
    const firstStarted = new Promise<void>((r) => started.push(r));
    loop.start();
    await firstStarted;
    const secondStarted = new Promise<void>((r) => started.push(r));
    loop.kick();
    loop.kick();
    release!();
    await secondStarted; // the kick ran it again without waiting the 60 s interval
    expect(runs).toBe(2);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false); // still waiting for the run in progress
    release!();
    await stopping;
    expect(maxActive).toBe(1);
    expect(runs).toBe(2);
  });
});
