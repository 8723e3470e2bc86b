import type { VersionView } from '../../engine/api/contract.ts';
import { AddNarrowDesign } from './AddNarrowDesign.tsx';
import type { DesignWidth } from './design-widths.ts';
import type { LiveEdits } from './use-live-edits.ts';

const METRICS = ['block', 'text', 'position', 'color', 'ssim'] as const;

interface Props {
  result: VersionView;
  /** The design the scores are against (one of one page at two widths), with the scored edit's scores where there are. */
  shown: DesignWidth;
  live: LiveEdits;
  onSave: () => void;
  onRegenerate: () => void;
  /** A narrower design of the page picked: it is converted again as one page at two widths. */
  onAddNarrow: (file: File) => void;
  onExport: () => void;
}

export function ScoreBar({ result, shown, live, onSave, onRegenerate, onAddNarrow, onExport }: Props) {
  const { scores, checks } = shown;
  // Stage timings of the conversion; a saved edit has none.
  const converted = Object.values(result.timings).reduce((a, b) => a + b, 0);
  return (
    <div className="scores" data-testid="scores" data-width={shown.design.width}>
      {METRICS.map((m) => (
        <span key={m} className="score" data-metric={m} title={m}>
          {m} <b>{scores[m].toFixed(3)}</b>
        </span>
      ))}
      <span className="checks" title="Largest picture's share of the page; share of absolutely positioned elements">
        picture {(checks.largestImageShare * 100).toFixed(0)}% · absolute {(checks.absoluteShare * 100).toFixed(0)}%
      </span>
      {converted > 0 && <span className="timing">converted in {(converted / 1000).toFixed(1)} s</span>}
      {live.lastMs !== undefined && <span data-testid="preview-latency">preview {live.lastMs} ms</span>}
      <span className="hint" data-testid="version">
        v{result.number} {result.kind}
      </span>
      <button type="button" onClick={live.score} disabled={live.busy}>
        Score edits
      </button>
      <button type="button" onClick={onSave} disabled={live.busy}>
        Save version
      </button>
      <button type="button" onClick={onRegenerate} title="Convert the design again with the backend, stack and mode chosen in the toolbar, as a new version">
        Re-generate
      </button>
      {/* A video's screen is one of its app's; the engine says why for any other design that cannot take one. */}
      {!result.narrow && !result.app && <AddNarrowDesign onFile={onAddNarrow} />}
      <button type="button" onClick={onExport}>
        Export…
      </button>
      {live.error && <span className="error" role="alert">{live.error}</span>}
    </div>
  );
}
