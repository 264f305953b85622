import { readdirSync, readFileSync } from 'node:fs';

/** CPU ticks (1/100 s) so far of every local process with this command name, by pid (Linux /proc; null elsewhere). */
export function processCpu(comm = 'postgres'): Map<string, number> | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const ticks = new Map<string, number>();
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== comm) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12])); // utime + stime
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks.size ? ticks : null;
}

/**
 * CPU seconds these processes used between two samples: what a bench phase cost
 * PostgreSQL. Processes started meanwhile count from zero; ones that ended
 * meanwhile are lost (an undercount, never a negative).
 */
export function cpuSecondsBetween(
  before: Map<string, number> | null,
  after: Map<string, number> | null,
): number | null {
  if (!before || !after) return null;
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks / 100;
}
