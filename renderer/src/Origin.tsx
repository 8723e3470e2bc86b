// What made a version, under it in the history: one line, and beneath it where there is more to
// say the model package, a model server's segments (from the model, or fell back and why) with
// the requests and tokens it took, and the conversion's warnings.
import type { VersionOrigin } from '../../engine/api/contract.ts';
import { modelServerDetails, originLabel } from './version-origin.ts';

export function Origin({ origin }: { origin: VersionOrigin }) {
  const label = originLabel(origin);
  const { modelDir, modelServer, warnings } = origin;
  if (modelDir === undefined && modelServer === undefined && warnings.length === 0) {
    return (
      <span className="hint origin" data-testid="version-origin">
        {label}
      </span>
    );
  }
  const server = modelServer && modelServerDetails(modelServer);
  return (
    <details className="origin" data-testid="version-origin">
      <summary className="hint">
        {label}
        {warnings.length > 0 && ` · ${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'}`}
      </summary>
      {modelDir !== undefined && (
        <p className="hint">
          Model package: <code>{modelDir}</code>
        </p>
      )}
      {server && (
        <>
          <p className="hint">{server.asked}</p>
          <ul className="origin-segments" aria-label="Segments" data-testid="origin-segments">
            {server.segments.map((s, i) => (
              <li key={i} data-segment={s.label}>
                {s.label}: {s.source}
              </li>
            ))}
          </ul>
          <p className="hint" data-testid="origin-usage">
            {server.usage}
          </p>
        </>
      )}
      {warnings.length > 0 && (
        <ul className="warnings" aria-label="Warnings">
          {warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
    </details>
  );
}
