import cliProgress from 'cli-progress';
import { overallFraction, type ProgressListener } from '../pipeline/progress.ts';

/** A progress bar on stderr (drawn only when stderr is a terminal, so pipes and logs stay clean). */
export function progressBar(label: string): { listener: ProgressListener; fraction: (done: number) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {percentage}% {stage}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(100, 0, { stage: '' });
  return {
    listener: (p) => bar.update(Math.round(overallFraction(p) * 100), { stage: p.stage }),
    /** For work of one stage: 0..1 of it done. */
    fraction: (done) => bar.update(Math.round(done * 100), { stage: '' }),
    stop: () => bar.stop(),
  };
}
