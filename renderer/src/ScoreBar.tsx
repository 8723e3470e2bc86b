import type { ConversionView } from '../../engine/api/contract.ts';
import type { LiveEdits } from './use-live-edits.ts';

const METRICS = ['block', 'text', 'position', 'color', 'ssim'] as const;

export function ScoreBar({ result, live }: { result: ConversionView; live: LiveEdits }) {
  const scores = live.scored?.scores ?? result.scores;
  return (
    <div className="scores" data-testid="scores">
      {METRICS.map((m) => (
        <span key={m} className="score" data-metric={m} title={m}>
          {m} <b>{scores[m].toFixed(3)}</b>
        </span>
      ))}
      <span className="checks" title="Largest picture's share of the page; share of absolutely positioned elements">
        picture {(result.checks.largestImageShare * 100).toFixed(0)}% · absolute {(result.checks.absoluteShare * 100).toFixed(0)}%
      </span>
      <span className="timing">converted in {((result.timings.total ?? Object.values(result.timings).reduce((a, b) => a + b, 0)) / 1000).toFixed(1)} s</span>
      {live.lastMs !== undefined && <span data-testid="preview-latency">preview {live.lastMs} ms</span>}
      <button type="button" onClick={live.score} disabled={live.busy}>
        Score edits
      </button>
      {live.error && <span className="error" role="alert">{live.error}</span>}
    </div>
  );
}
