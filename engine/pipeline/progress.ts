export const STAGES = ['ingest', 'perceive', 'generate', 'render', 'compare', 'think', 'write'] as const;
export type Stage = (typeof STAGES)[number];

export interface Progress {
  stage: Stage;
  /** 0..1 within the stage. */
  fraction: number;
}

export type ProgressListener = (progress: Progress) => void;

/** Overall completion 0..1 across all stages, for a single progress bar. */
export const overallFraction = ({ stage, fraction }: Progress): number =>
  (STAGES.indexOf(stage) + Math.min(1, Math.max(0, fraction))) / STAGES.length;
