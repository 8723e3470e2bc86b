// The app's view of the engine's jobs, driven by the engine's events: a pure reducer, so the
// rules (what is selected when a job finishes, what a cancel looks like) are testable alone.
import type { ConversionView, JobEvent } from '../../engine/api/contract.ts';

export interface JobState {
  jobId: string;
  name: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  stage?: string;
  /** 0–1 over all stages. */
  overall: number;
  error?: string;
  result?: ConversionView;
}

export interface JobsState {
  jobs: JobState[];
  selected?: string;
}

export const emptyJobs: JobsState = { jobs: [] };

export function reduceJobEvent(state: JobsState, event: JobEvent): JobsState {
  const update = (patch: Partial<JobState>): JobState[] => state.jobs.map((j) => (j.jobId === event.jobId ? { ...j, ...patch } : j));
  switch (event.type) {
    case 'queued':
      if (state.jobs.some((j) => j.jobId === event.jobId)) return state;
      return { ...state, jobs: [...state.jobs, { jobId: event.jobId, name: event.name, status: 'queued', overall: 0 }] };
    case 'progress':
      return { ...state, jobs: update({ status: 'running', stage: event.stage, overall: event.overall }) };
    case 'done': {
      // The first finished design is shown at once; later ones wait for a click, so work in progress is not yanked away.
      const selectedDone = state.jobs.some((j) => j.jobId === state.selected && j.status === 'done');
      return { jobs: update({ status: 'done', overall: 1, stage: undefined, result: event.result }), selected: selectedDone ? state.selected : event.jobId };
    }
    case 'failed':
      return { ...state, jobs: update({ status: event.code === 'CANCELLED' ? 'cancelled' : 'failed', error: event.message, stage: undefined }) };
  }
}

export function selectJob(state: JobsState, jobId: string): JobsState {
  return state.jobs.some((j) => j.jobId === jobId && j.status === 'done') ? { ...state, selected: jobId } : state;
}
