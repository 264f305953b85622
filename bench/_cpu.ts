import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds used so far by every local process with this command name (Linux
 * /proc; null elsewhere). Sampled before and after a bench phase, it tells how
 * much of the machine PostgreSQL took for the work measured.
 */
export function processCpuSeconds(comm = 'postgres'): number | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  let ticks = 0;
  let seen = false;
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== comm) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime + stime
      seen = true;
    } catch {
      // the process ended meanwhile
    }
  }
  // Linux reports in clock ticks of 1/100 s (USER_HZ).
  return seen ? ticks / 100 : null;
}
