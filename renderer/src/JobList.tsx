import type { JobState } from './jobs-state.ts';
import { JobSegments } from './JobSegments.tsx';

export function JobList({ jobs, selected, onSelect, onCancel }: { jobs: JobState[]; selected?: string; onSelect: (id: string) => void; onCancel: (id: string) => void }) {
  if (jobs.length === 0) return null;
  return (
    <ol className="jobs" data-testid="jobs">
      {jobs.map((j) => (
        <li key={j.jobId} className={`job ${j.status}${j.jobId === selected ? ' selected' : ''}`} data-status={j.status}>
          <button type="button" className="job-name" disabled={j.status !== 'done'} onClick={() => onSelect(j.jobId)}>
            {j.name}
          </button>
          {(j.status === 'queued' || j.status === 'running') && (
            <>
              <progress max={1} value={j.overall} aria-label={`${j.name} progress`} />
              <span className="stage">{j.stage ?? 'queued'}</span>
              <button type="button" onClick={() => onCancel(j.jobId)}>
                Cancel
              </button>
            </>
          )}
          {(j.status === 'failed' || j.status === 'cancelled') && <span className="error">{j.error}</span>}
          {j.segments && j.segments.length > 0 && <JobSegments segments={j.segments} running={j.status === 'queued' || j.status === 'running'} />}
          {j.warnings?.map((w, i) => (
            <span key={i} className="warning" role="status" data-testid="job-warning">
              {w}
            </span>
          ))}
        </li>
      ))}
    </ol>
  );
}
