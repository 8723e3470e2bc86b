// A model server's job in the job list: the segments as they stand (waiting, writing N chars,
// from the model, fell back and why), and the model's reasoning in the job's details, collapsed.
import type { SegmentView } from '../../engine/api/contract.ts';
import { reasoningOf, segmentStatus, segmentsSummary } from './segments.ts';

export function JobSegments({ segments, running }: { segments: SegmentView[]; running: boolean }) {
  const reasoning = reasoningOf(segments);
  return (
    // Open while the model writes, so the segments are seen moving; a finished job's stay a click away.
    <details className="job-segments" data-testid="job-segments" open={running || undefined}>
      <summary data-testid="segments-summary">{segmentsSummary(segments)}</summary>
      <ol className="segments">
        {segments.map((s) => (
          <li key={s.id} className={`segment ${s.state}`} data-segment={s.label} data-state={s.state}>
            <span className="segment-label">{s.label}</span> <span className="segment-status">{segmentStatus(s)}</span>
          </li>
        ))}
      </ol>
      {reasoning.length > 0 && (
        <details className="reasoning" data-testid="job-reasoning">
          <summary>Model's reasoning</summary>
          {reasoning.map((r) => (
            <section key={r.id}>
              <h4>{r.label}</h4>
              <pre>{r.reasoning}</pre>
            </section>
          ))}
        </details>
      )}
    </details>
  );
}
