// The machine's processes as `ps` lists them: for tests that check what a process left running.
// POSIX only (a test using it is skipped on Windows).
import { execFileSync } from 'node:child_process';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** Its process group. */
  pgid: number;
}

/** Running processes; zombies (dead, waiting for a parent to reap them) are left out. */
export function runningProcesses(): ProcessEntry[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,pgid=,stat='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, , , stat]) => !stat!.startsWith('Z'))
    .map(([pid, ppid, pgid]) => ({ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid) }));
}

/** Running processes of process group `pgid`. */
export const runningInGroup = (pgid: number): ProcessEntry[] => runningProcesses().filter((p) => p.pgid === pgid);
