import { analyse, type Sample } from './memory';

/** One sample per 10 s over `minutes`, RSS of each process from `rss(t)`. */
function series(minutes: number, rss: Record<string, (t: number) => number>, pid = (_t: number) => 1): Sample[] {
  const out: Sample[] = [];
  for (let t = 0; t <= minutes * 60; t += 10)
    out.push({
      t,
      rssMb: Object.fromEntries(Object.entries(rss).map(([n, f]) => [n, f(t)])),
      cpuMs: Object.fromEntries(Object.keys(rss).map((n) => [n, t * 500])),
      heapMb: {},
      pids: Object.fromEntries(Object.keys(rss).map((n) => [n, pid(t)])),
      sent: t,
      statuses: {},
    });
  return out;
}

describe('soak memory analysis', () => {
  it('measures growth from the end of the settle window, not from the start', () => {
    // Fills from 200 to 400 MB in the first 5 minutes (caches, wasm memory), then flat with GC noise.
    const filling = (t: number) => (t < 300 ? 200 + (200 * t) / 300 : 400 + (t % 30 === 0 ? 15 : -5));
    const [m] = analyse(series(30, { hub: filling }), 300, 10);
    expect(m).toMatchObject({ name: 'hub', isApp: true, startMb: 200, settledMb: 395, endMb: 395, restarts: 0 });
    expect(m!.growthAfterSettlePct).toBe(0);
    expect(Math.abs(m!.slopeMbPerHour)).toBeLessThan(5);
    expect(m!.withinGoal).toBe(true);
    expect(m!.meanCpuPct).toBe(50);
  });

  it('flags steady growth after the settle window, with its slope', () => {
    // +1 MB per minute after a 300 MB start: 325 MB at the end, 25 minutes later: about 8% over the settled 300.
    const leaking = (t: number) => 300 + Math.max(0, t - 300) / 60;
    const strict = analyse(series(30, { bridge: leaking }), 300, 5)[0]!;
    expect(strict.growthAfterSettlePct).toBeGreaterThan(7);
    expect(strict.growthAfterSettlePct).toBeLessThan(9);
    expect(strict.slopeMbPerHour).toBeCloseTo(60, 0);
    expect(strict.withinGoal).toBe(false);
    expect(analyse(series(30, { bridge: leaking }), 300, 10)[0]!.withinGoal).toBe(true);
  });

  it('tells apps from the test rig and counts restarts', () => {
    const flat = () => 100;
    const out = analyse(
      series(10, { 'anvil-900': flat, 'prover-1': flat }, (t) => (t < 200 ? 7 : 8)),
      120,
      10,
    );
    expect(out.map((m) => [m.name, m.isApp, m.restarts])).toEqual([
      ['anvil-900', false, 1],
      ['prover-1', true, 1],
    ]);
  });
});
