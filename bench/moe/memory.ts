// The process's resident memory for the engine bench: the current RSS and its high-water mark
// from /proc/self/status (Linux). The mark can be reset (clear_refs 5), so a peak taken after the
// engine's generation counts the engine alone, not the bench model written earlier in the same
// process; where that is not possible the peak is the whole process's (getrusage), and says so.
import { readFileSync, writeFileSync } from 'node:fs';

const MB = 2 ** 20;

export interface MemorySnapshot {
  rssMB: number;
  peakRssMB: number;
  /** What the peak covers: since the last reset, or the whole process. */
  peakSince: 'reset' | 'process start';
}

/** Resets the RSS high-water mark to the current RSS; false where the kernel does not allow it. */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** RSS now and its high-water mark; `peakWasReset`: what resetPeakRss returned before (if it was called). */
export function memorySnapshot(peakWasReset: boolean): MemorySnapshot {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kB = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    const rss = kB('VmRSS');
    const peak = kB('VmHWM');
    if (rss > 0 && peak > 0) return { rssMB: (rss * 1024) / MB, peakRssMB: (peak * 1024) / MB, peakSince: peakWasReset ? 'reset' : 'process start' };
  } catch {
    // Not Linux: getrusage below.
  }
  return { rssMB: process.memoryUsage().rss / MB, peakRssMB: (process.resourceUsage().maxRSS * 1024) / MB, peakSince: 'process start' };
}
