// The machine's processes as `ps` lists them: for tests that check what a process left running.
// POSIX only (a test using it is skipped on Windows).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/**
 * Proportional memory (PSS) of the processes, in bytes: each page counted once however many of
 * them map it, where summed RSS counts Chromium's binary and the memory its processes share once
 * per process. Linux only (`/proc/<pid>/smaps_rollup`); a process whose figure cannot be read (it
 * just ended) counts by its RSS.
 */
function pssBytes(processes: Array<{ pid: number; rssBytes: number }>): number {
  let sum = 0;
  for (const { pid, rssBytes } of processes) {
    try {
      sum += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))![1]) * 1024;
    } catch {
      sum += rssBytes;
    }
  }
  return sum;
}

/** Running processes whose command line holds `text` (a scratch folder they were given). */
export function processesMentioning(text: string): number[] {
  return execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\S+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null && !m[2]!.startsWith('Z') && m[3]!.includes(text) && Number(m[1]) !== process.pid)
    .map((m) => Number(m[1]));
}

export interface TreeMemory {
  /** Summed RSS of the tree's processes, bytes. */
  rss: number;
  /** Summed PSS of the tree's processes (shared pages counted once), bytes; 0 where it was not read. */
  pss: number;
}

/**
 * Samples the tree's summed RSS every `everyMs` until stopped, and its summed PSS too where asked
 * (Linux only; it reads every process's memory map, more work a sample); `peak()` is the highest
 * of each so far.
 */
export function watchTreeMemory(root: number, everyMs = 200, { pss = process.platform === 'linux' } = {}): { peak(): TreeMemory; stop(): TreeMemory } {
  const peak: TreeMemory = { rss: 0, pss: 0 };
  const sample = () => {
    try {
      const tree = processTree(root);
      peak.rss = Math.max(peak.rss, tree.reduce((sum, p) => sum + p.rssBytes, 0));
      if (pss) peak.pss = Math.max(peak.pss, pssBytes(tree));
    } catch {
      // ps failed (the machine is out of processes or memory): the next sample may not.
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    peak: () => ({ ...peak }),
    stop: () => {
      clearInterval(timer);
      return { ...peak };
    },
  };
}
