import { readFileSync } from 'node:fs';

import type { Devnet } from '@interop/devnet';

export type RssStats = {
  app: string;
  samples: number;
  startMb: number;
  endMb: number;
  maxMb: number;
  /** Mean of the last quarter of the samples minus the mean of the first quarter (MB). */
  driftMb: number;
  /** Samples with a pid change (restart) reset the series: only the longest unbroken series is reported. */
  restartsSeen: number;
};

function rssKb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Samples each app's resident memory (/proc/<pid>/status VmRSS) every `intervalMs`. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly series = new Map<string, Array<{ pid: number; kb: number; at: number }>>();

  constructor(
    private readonly devnet: Devnet,
    private readonly intervalMs = 2_000,
  ) {}

  start(): void {
    const sample = () => {
      for (const app of this.devnet.apps.values()) {
        const pid = app.pid;
        if (!pid) continue;
        const kb = rssKb(pid);
        if (kb === undefined) continue;
        const s = this.series.get(app.name) ?? [];
        s.push({ pid, kb, at: Date.now() });
        this.series.set(app.name, s);
      }
    };
    sample();
    this.timer = setInterval(sample, this.intervalMs);
  }

  stop(): RssStats[] {
    clearInterval(this.timer);
    const out: RssStats[] = [];
    for (const [app, all] of this.series) {
      // Longest run of samples of one pid (a restart starts a new process).
      const runs: Array<typeof all> = [];
      for (const s of all) {
        const last = runs[runs.length - 1];
        if (last && last[0]!.pid === s.pid) last.push(s);
        else runs.push([s]);
      }
      const longest = runs.reduce((a, b) => (b.length > a.length ? b : a), runs[0] ?? []);
      if (longest.length === 0) continue;
      const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;
      const q = Math.max(1, Math.floor(longest.length / 4));
      const mean = (xs: typeof longest) => xs.reduce((a, s) => a + s.kb, 0) / xs.length;
      out.push({
        app,
        samples: longest.length,
        startMb: mb(longest[0]!.kb),
        endMb: mb(longest[longest.length - 1]!.kb),
        maxMb: mb(Math.max(...longest.map((s) => s.kb))),
        driftMb: mb(mean(longest.slice(-q)) - mean(longest.slice(0, q))),
        restartsSeen: runs.length - 1,
      });
    }
    return out.sort((a, b) => a.app.localeCompare(b.app));
  }
}
