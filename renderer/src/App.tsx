// The app: designs in (drop, paste, pick), code out (Monaco), the render beside the design with
// its scores. State lives here; each panel is its own component.
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import type { LoupeApi } from '../../engine/api/contract.ts';
import { emptyJobs, reduceJobEvent, selectJob, type JobsState } from './jobs-state.ts';
import { readDesignFile } from './files.ts';
import { Toolbar, type Settings } from './Toolbar.tsx';
import { JobList } from './JobList.tsx';
import { CodePane } from './CodePane.tsx';
import { PreviewPane } from './PreviewPane.tsx';
import { ScoreBar } from './ScoreBar.tsx';
import { useLiveEdits } from './use-live-edits.ts';

type Action = { type: 'event'; event: Parameters<typeof reduceJobEvent>[1] } | { type: 'select'; jobId: string };

const reducer = (state: JobsState, action: Action): JobsState =>
  action.type === 'event' ? reduceJobEvent(state, action.event) : selectJob(state, action.jobId);

export function App({ api }: { api: LoupeApi }) {
  const [state, dispatch] = useReducer(reducer, emptyJobs);
  const [settings, setSettings] = useState<Settings>({ stack: 'html-css', mode: 'fast', view: 'side' });
  const [notice, setNotice] = useState<string>();
  const [dragging, setDragging] = useState(false);

  useEffect(() => api.subscribe((event) => dispatch({ type: 'event', event })), [api]);

  const convertFiles = useCallback(
    async (files: File[]) => {
      setNotice(undefined);
      for (const file of files) {
        const read = await readDesignFile(file);
        if ('error' in read) {
          setNotice(read.error);
          continue;
        }
        try {
          await api.convert({ name: file.name || 'pasted.png', data: read.data, stack: settings.stack, mode: settings.mode });
        } catch (error) {
          setNotice((error as Error).message);
        }
      }
    },
    [api, settings.stack, settings.mode],
  );

  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (files.length) void convertFiles(files);
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, [convertFiles]);

  const job = useMemo(() => state.jobs.find((j) => j.jobId === state.selected && j.result), [state]);
  const live = useLiveEdits(api, job?.result);

  return (
    <div
      className={`app${dragging ? ' dragging' : ''}`}
      data-testid="app"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        void convertFiles([...e.dataTransfer.files]);
      }}
    >
      <Toolbar settings={settings} onChange={setSettings} onFiles={(files) => void convertFiles(files)} />
      {notice && (
        <div className="notice" role="alert" data-testid="notice">
          {notice}
        </div>
      )}
      <JobList jobs={state.jobs} selected={state.selected} onSelect={(jobId) => dispatch({ type: 'select', jobId })} onCancel={(jobId) => void api.cancel(jobId)} />
      {job?.result ? (
        <main className="workspace">
          <CodePane key={job.jobId} result={job.result} onEdit={live.edit} />
          <section className="preview-column">
            <ScoreBar result={job.result} live={live} />
            <PreviewPane result={job.result} previewUrl={live.previewUrl ?? job.result.preview} view={settings.view} diffUrl={live.scored?.diff ?? job.result.diff} onFrameLoad={live.frameLoaded} />
          </section>
        </main>
      ) : (
        <main className="empty" data-testid="drop-hint">
          <p>Drop a screenshot here, paste one, or open a file.</p>
          <p className="hint">PNG, JPEG or WebP. Loupe writes the code, renders it, and shows how close it is.</p>
        </main>
      )}
    </div>
  );
}
