import cliProgress from 'cli-progress';
import { overallFraction, type ProgressListener } from '../pipeline/progress.ts';

/**
 * The time left at the average rate so far: `elapsedMs` for `fraction` of the work. Empty until a
 * little is done (the first per cent says little about the rest). cli-progress's own ETA looks at
 * its last few updates only, which a conversion sends many times a second for tensors of very
 * different sizes, so it jumps about.
 */
export function etaText(elapsedMs: number, fraction: number): string {
  if (!(fraction >= 0.01) || fraction >= 1) return '';
  const seconds = Math.round((elapsedMs / 1000) * ((1 - fraction) / fraction));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `ETA ${h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`}`;
}

/** A progress bar on stderr (drawn only when stderr is a terminal, so pipes and logs stay clean). */
export function progressBar(label: string): { listener: ProgressListener; fraction: (done: number) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {percentage}% {timeLeft} {stage}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  const start = performance.now();
  // Not 'eta': cli-progress fills that token itself, from its last few updates.
  bar.start(100, 0, { stage: '', timeLeft: '' });
  const update = (fraction: number, stage: string) => bar.update(Math.round(fraction * 100), { stage, timeLeft: etaText(performance.now() - start, fraction) });
  return {
    listener: (p) => update(overallFraction(p), p.stage),
    /** For work of one stage: 0..1 of it done. */
    fraction: (done) => update(done, ''),
    stop: () => bar.stop(),
  };
}
