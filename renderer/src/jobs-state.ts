// The app's view of the engine's jobs and of the version on screen, driven by the engine's
// events and the user's choices: a pure reducer, so the rules (what is shown when a job
// finishes, what a cancel looks like) are testable alone.
import type { JobEvent, VersionView } from '../../engine/api/contract.ts';

export interface JobState {
  jobId: string;
  name: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  stage?: string;
  /** 0–1 over all stages. */
  overall: number;
  error?: string;
  result?: VersionView;
}

export interface JobsState {
  jobs: JobState[];
  /** The version on screen: a finished job's, or one opened from the history. */
  current?: VersionView;
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
      // A finished design is shown at once only when nothing is: work in progress is not yanked away.
      return { jobs: update({ status: 'done', overall: 1, stage: undefined, result: event.result }), current: state.current ?? event.result };
    }
    case 'failed':
      return { ...state, jobs: update({ status: event.code === 'CANCELLED' ? 'cancelled' : 'failed', error: event.message, stage: undefined }) };
  }
}

export function selectJob(state: JobsState, jobId: string): JobsState {
  const result = state.jobs.find((j) => j.jobId === jobId)?.result;
  return result ? { ...state, current: result } : state;
}

export const showVersion = (state: JobsState, version: VersionView): JobsState => ({ ...state, current: version });
