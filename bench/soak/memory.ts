/**
 * The soak benchmark's memory analysis, pure so it is unit-tested: per process, RSS at the start, at the end of the
 * settle window, at the end, the peak, growth after the settle window and its slope.
 */

/** The apps whose memory the goal is about; anvil nodes are sampled too, but they are the test rig, not the product. */
export const APP_PREFIXES = ['hub', 'chain-', 'bridge', 'prover-'];

export type Sample = {
  /** Seconds since the steady traffic started. */
  t: number;
  /** Resident set per process (MB); a process that is gone is absent. */
  rssMb: Record<string, number>;
  /** Cumulative CPU time per process tree (ms). */
  cpuMs: Record<string, number>;
  /** V8 heap in use (MB) of the apps that export it. */
  heapMb: Record<string, number>;
  /** The pid of each process, to see restarts. */
  pids: Record<string, number>;
  sent: number;
  statuses: Record<string, number>;
};

export type AppMemory = {
  name: string;
  isApp: boolean;
  samples: number;
  restarts: number;
  startMb: number;
  settledMb: number;
  endMb: number;
  peakMb: number;
  /** Median RSS of the last minute against the median of the minute after the settle window. */
  growthAfterSettlePct: number;
  /** Least squares over every sample after the settle window. */
  slopeMbPerHour: number;
  heapSettledMb?: number;
  heapEndMb?: number;
  meanCpuPct: number;
  withinGoal: boolean;
};

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
export const round1 = (x: number) => Math.round(x * 10) / 10;

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/**
 * Growth after the settle window: the median RSS of the last `windowS` seconds against the median of the `windowS`
 * seconds after `settleS` (medians, so one sample taken just before a garbage collection does not decide it).
 */
export function analyse(samples: Sample[], settleS: number, goalPct: number, windowS = 60): AppMemory[] {
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.rssMb)))].sort();
  const end = samples.at(-1)?.t ?? 0;
  return names.map((name) => {
    const series = samples.filter((s) => s.rssMb[name] !== undefined);
    const at = (from: number, to: number, pick: (s: Sample) => number | undefined) =>
      median(
        series
          .filter((s) => s.t >= from && s.t < to)
          .map(pick)
          .filter((v): v is number => v !== undefined),
      );
    const rss = (s: Sample) => s.rssMb[name];
    const heap = (s: Sample) => s.heapMb[name];
    const settledMb = at(settleS, settleS + windowS, rss);
    const endMb = at(end - windowS, end + 1, rss);
    const after = series.filter((s) => s.t >= settleS);
    const growth = ((endMb - settledMb) / settledMb) * 100;
    const first = series[0];
    const last = series.at(-1);
    const cpuMs = first && last ? (last.cpuMs[name] ?? 0) - (first.cpuMs[name] ?? 0) : 0;
    const heapSettledMb = at(settleS, settleS + windowS, heap);
    const heapEndMb = at(end - windowS, end + 1, heap);
    const isApp = APP_PREFIXES.some((p) => name.startsWith(p));
    return {
      name,
      isApp,
      samples: series.length,
      restarts: new Set(series.map((s) => s.pids[name])).size - 1,
      startMb: first?.rssMb[name] ?? 0,
      settledMb: round1(settledMb),
      endMb: round1(endMb),
      peakMb: Math.max(...after.map((s) => s.rssMb[name]!)),
      growthAfterSettlePct: round1(growth),
      slopeMbPerHour: round1(slope(after.map((s) => [s.t / 3600, s.rssMb[name]!])) || 0),
      ...(Number.isFinite(heapSettledMb) ? { heapSettledMb: round1(heapSettledMb) } : {}),
      ...(Number.isFinite(heapEndMb) ? { heapEndMb: round1(heapEndMb) } : {}),
      meanCpuPct: first && last && last.t > first.t ? round1((cpuMs / ((last.t - first.t) * 1000)) * 100) : 0,
      withinGoal: !(growth > goalPct),
    };
  });
}
