/**
 * CPU time of other processes from /proc/<pid>/stat (Linux): user + system time in ms. Used by bench/chain to give
 * each part (chain app, anvil, the Postgres backends of the app's database) its own CPU cost per message.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc times (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** utime + stime of `pid` in ms, or null when the process is gone. */
export function processCpuMs(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after "(comm)": state is field 3, utime field 14, stime field 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Sum of the CPU ms of `pids` (gone processes count 0). */
export function cpuMsOf(pids: readonly number[]): Record<number, number> {
  return Object.fromEntries(pids.map((pid) => [pid, processCpuMs(pid) ?? 0]));
}

/** CPU ms spent by `pids` between two `cpuMsOf` samples (a process missing from the first sample counts from 0). */
export function cpuDeltaMs(before: Record<number, number>, after: Record<number, number>): number {
  let total = 0;
  for (const [pid, ms] of Object.entries(after)) total += ms - (before[Number(pid)] ?? 0);
  return total;
}
