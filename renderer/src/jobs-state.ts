// The app's view of the engine's jobs, of the version on screen and of the video whose screens
// are being looked at, driven by the engine's events and the user's choices: a pure reducer, so
// the rules (what is shown when a job finishes, what a cancel looks like) are testable alone.
import type { JobEvent, SegmentView, VersionView, VideoDetectionView } from '../../engine/api/contract.ts';

export interface JobState {
  jobId: string;
  name: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  stage?: string;
  /** 0–1 over all stages. */
  overall: number;
  error?: string;
  result?: VersionView;
  /** What a finished conversion did not do as asked (a model's code that was not usable). */
  warnings?: string[];
  /** A video read for its screens. */
  detection?: VideoDetectionView;
  /** A model server's segments as they last stood (kept when the job ends, for its details). */
  segments?: SegmentView[];
}

export interface JobsState {
  jobs: JobState[];
  /** The version on screen: a finished job's, or one opened from the history. */
  current?: VersionView;
  /** A job whose result takes the screen when it ends, if version `from` is still there unedited. */
  following?: { jobId: string; from: string };
  /** The video whose screens are being looked at before its app is generated. */
  review?: VideoDetectionView;
}

export const emptyJobs: JobsState = { jobs: [] };

export function reduceJobEvent(state: JobsState, event: JobEvent): JobsState {
  const update = (patch: Partial<JobState>): JobState[] => state.jobs.map((j) => (j.jobId === event.jobId ? { ...j, ...patch } : j));
  switch (event.type) {
    case 'queued':
      if (state.jobs.some((j) => j.jobId === event.jobId)) return state;
      return { ...state, jobs: [...state.jobs, { jobId: event.jobId, name: event.name, status: 'queued', overall: 0 }] };
    case 'progress':
      // A job that ended stays ended, whatever arrives late from an engine that reported it.
      if (ended(state, event.jobId)) return state;
      return { ...state, jobs: update({ status: 'running', stage: event.stage, overall: event.overall }) };
    case 'done': {
      // A finished design is shown at once only when nothing is, or when it is the one asked for
      // in place of what is shown: work in progress is not yanked away.
      const followed = state.following?.jobId === event.jobId && state.following.from === state.current?.versionId;
      return {
        ...state,
        jobs: update({ status: 'done', overall: 1, stage: undefined, result: event.result, warnings: event.warnings }),
        current: followed ? event.result : (state.current ?? event.result),
        following: state.following?.jobId === event.jobId ? undefined : state.following,
      };
    }
    case 'segments':
      if (ended(state, event.jobId)) return state;
      return { ...state, jobs: update({ segments: event.segments }) };
    case 'detected':
      // The screens are there to be looked at, unless another video's already are.
      return { ...state, jobs: update({ status: 'done', overall: 1, stage: undefined, detection: event.result }), review: state.review ?? event.result };
    case 'failed':
      return {
        ...state,
        jobs: update({ status: event.code === 'CANCELLED' ? 'cancelled' : 'failed', error: event.message, stage: undefined }),
        following: state.following?.jobId === event.jobId ? undefined : state.following,
      };
  }
}

const ended = (state: JobsState, jobId: string) => state.jobs.some((j) => j.jobId === jobId && (j.status === 'done' || j.status === 'failed' || j.status === 'cancelled'));

/** The job's result is to replace the version on screen (a re-generation of it). */
export const followJob = (state: JobsState, jobId: string): JobsState => (state.current ? { ...state, following: { jobId, from: state.current.versionId } } : state);

/** The version on screen was edited: what is followed no longer replaces it. */
export const stopFollowing = (state: JobsState): JobsState => (state.following ? { ...state, following: undefined } : state);

/** A finished job's version is shown; a video's screens are looked at again. */
export function selectJob(state: JobsState, jobId: string): JobsState {
  const job = state.jobs.find((j) => j.jobId === jobId);
  if (job?.detection) return { ...state, review: job.detection };
  return job?.result ? { ...state, current: job.result } : state;
}

export const closeReview = (state: JobsState): JobsState => ({ ...state, review: undefined });

export const showVersion = (state: JobsState, version: VersionView): JobsState => ({ ...state, current: version });
