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

/** `root` and every process under it, with each one's resident memory (RSS) in bytes. */
export function processTree(root: number): Array<{ pid: number; rssBytes: number }> {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number, number]);
  const inTree = new Set([root]);
  // Parents come before children in no guaranteed order: sweep until nothing joins.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of rows) {
      if (inTree.has(ppid) && !inTree.has(pid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  return rows.filter(([pid]) => inTree.has(pid)).map(([pid, , kb]) => ({ pid, rssBytes: kb * 1024 }));
}

/** Resident memory (RSS) of `root` and every process under it, in bytes: a command's tree, its browsers included. */
export const treeRssBytes = (root: number): number => processTree(root).reduce((sum, p) => sum + p.rssBytes, 0);

/** Running processes whose command line holds `text` (a scratch folder they were given). */
export function processesMentioning(text: string): number[] {
  return execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\S+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null && !m[2]!.startsWith('Z') && m[3]!.includes(text) && Number(m[1]) !== process.pid)
    .map((m) => Number(m[1]));
}

/** Samples the tree's RSS every `everyMs` until stopped; `peak()` is the highest sample so far. */
export function watchTreeRss(root: number, everyMs = 200): { peak(): number; stop(): number } {
  let peak = 0;
  const sample = () => {
    try {
      peak = Math.max(peak, treeRssBytes(root));
    } catch {
      // ps failed (the machine is out of processes or memory): the next sample may not.
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    peak: () => peak,
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}
