// The app: designs in (drop, paste, pick), code out (Monaco), the render beside the design with
// its scores (two designs given at once may be one page at two widths, compared at each); a walkthrough video's screens are looked at and edited first, then generated as an
// app whose screens are shown one at a time. State lives here; each panel is its own component.
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import type { DeleteRequest, DesignSummary, LoupeApi, PreviewPick, VersionView } from '../../engine/api/contract.ts';
import { closeReview, emptyJobs, followJob, reduceJobEvent, selectJob, showVersion, stopFollowing, type JobsState } from './jobs-state.ts';
import { designPair, isVideoFile, readDesignFile, readDesignPair } from './files.ts';
import { designWidths, shownWidth, type WidthKey } from './design-widths.ts';
import { PairQuestion } from './PairQuestion.tsx';
import { WidthSwitch } from './WidthSwitch.tsx';
import { Toolbar } from './Toolbar.tsx';
import { conversionChoice, loadSettings, saveSettings, serverAddress, type Settings } from './settings.ts';
import { JobList } from './JobList.tsx';
import { CodePane } from './CodePane.tsx';
import { PreviewPane } from './PreviewPane.tsx';
import { ScoreBar } from './ScoreBar.tsx';
import { HistoryPanel } from './HistoryPanel.tsx';
import { ExportDialog, type ExportTarget } from './ExportDialog.tsx';
import { FigmaPanel } from './FigmaPanel.tsx';
import { ModelServerSettings } from './ModelServerSettings.tsx';
import { VideoReview } from './VideoReview.tsx';
import { AppScreens } from './AppScreens.tsx';
import { useLiveEdits } from './use-live-edits.ts';
import { useModelFolder } from './use-model-folder.ts';
import { useModelServerKey } from './use-model-server-key.ts';
import { usePreviewLink } from './use-preview-link.ts';
import { bridge } from './ipc-api.ts';

type Action =
  | { type: 'event'; event: Parameters<typeof reduceJobEvent>[1] }
  | { type: 'select'; jobId: string }
  | { type: 'show'; version: VersionView }
  | { type: 'follow'; jobId: string }
  | { type: 'edited' }
  | { type: 'close-review' };

function reducer(state: JobsState, action: Action): JobsState {
  switch (action.type) {
    case 'event':
      return reduceJobEvent(state, action.event);
    case 'select':
      return selectJob(state, action.jobId);
    case 'show':
      return showVersion(state, action.version);
    case 'follow':
      return followJob(state, action.jobId);
    case 'edited':
      return stopFollowing(state);
    case 'close-review':
      return closeReview(state);
  }
}

export function App({ api }: { api: LoupeApi }) {
  const [state, dispatch] = useReducer(reducer, emptyJobs);
  const [settings, setSettings] = useState<Settings>(() => loadSettings(localStorage));
  useEffect(() => {
    saveSettings(localStorage, settings);
    document.documentElement.dataset.theme = settings.theme;
  }, [settings]);
  const [notice, setNotice] = useState<string>();
  const [dragging, setDragging] = useState(false);
  const [history, setHistory] = useState<DesignSummary[]>([]);
  const [exporting, setExporting] = useState<ExportTarget>();
  /** Two design images given at once, while the person says whether they are one page at two widths. */
  const [pair, setPair] = useState<[File, File]>();
  /** Which design of one page at two widths the code is compared with. */
  const [width, setWidth] = useState<WidthKey>('wide');

  const refreshHistory = useCallback(() => {
    api.history().then(setHistory, (e: Error) => setNotice(e.message));
  }, [api]);
  useEffect(refreshHistory, [refreshHistory]);
  useEffect(
    () =>
      api.subscribe((event) => {
        dispatch({ type: 'event', event });
        if (event.type === 'done') refreshHistory();
      }),
    [api, refreshHistory],
  );
  // Every action on a version reports failure the same way: a notice the user can read.
  const attempt = useCallback(async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (e) {
      setNotice((e as Error).message);
    }
  }, []);
  const open = (versionId: string) => attempt(async () => dispatch({ type: 'show', version: await api.open({ versionId }) }));
  const modelFolder = useModelFolder(api, settings);
  const serverKey = useModelServerKey(api, settings.backend === 'openai' ? serverAddress(settings.serverUrl) : '');

  // Designs are converted with the toolbar's choices; a video is first read for its screens.
  const convertEach = useCallback(
    async (files: File[]) => {
      setNotice(undefined);
      const choice = conversionChoice(settings);
      for (const file of files) {
        let send: (data: string) => Promise<unknown>;
        if (isVideoFile(file)) send = (data) => api.detectVideo({ name: file.name, data });
        else if ('missing' in choice) {
          setNotice(choice.missing);
          continue;
        } else send = (data) => api.convert({ name: file.name || 'pasted.png', data, ...choice });
        const read = await readDesignFile(file);
        if ('error' in read) {
          setNotice(read.error);
          continue;
        }
        try {
          await send(read.data);
        } catch (error) {
          setNotice((error as Error).message);
        }
      }
    },
    [api, settings],
  );
  // Two design images at once: the person says whether they are one page at two widths.
  const convertFiles = useCallback(
    async (files: File[]) => {
      const two = designPair(files);
      if (two) {
        setNotice(undefined);
        setPair(two);
      } else await convertEach(files);
    },
    [convertEach],
  );
  const convertOnePage = ([first, second]: [File, File]) =>
    attempt(async () => {
      setPair(undefined);
      const choice = conversionChoice(settings);
      if ('missing' in choice) return setNotice(choice.missing);
      const read = await readDesignPair([first, second]);
      if ('error' in read) return setNotice(read.error);
      await api.convert({ name: first.name, data: read.data[0], ...choice, also: { name: second.name, data: read.data[1] } });
    });

  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (files.length) void convertFiles(files);
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, [convertFiles]);

  const current = state.current;
  const live = useLiveEdits(api, current);
  const widths = current ? designWidths(current, live.scored) : [];
  const shown = current && shownWidth(widths, width);
  // A pick belongs to the version whose preview it came from.
  const [reveal, setReveal] = useState<{ pick: PreviewPick; versionId: string }>();
  const link = usePreviewLink((pick) => current && setReveal({ pick, versionId: current.versionId }));
  const following = state.following !== undefined;
  const edit = useCallback(
    (path: string, contents: string) => {
      live.edit(path, contents);
      if (following) dispatch({ type: 'edited' });
    },
    [live.edit, following],
  );
  const selectedJob = useMemo(() => state.jobs.find((j) => j.result && j.result.versionId === current?.versionId)?.jobId, [state, current]);
  const save = () =>
    attempt(async () => {
      const files = live.edited();
      if (!current || files.length === 0) return setNotice('Nothing to save: edit the code first.');
      dispatch({ type: 'show', version: await api.save({ versionId: current.versionId, files }) });
      refreshHistory();
    });
  // The design on screen again, with the toolbar's backend, stack and mode: its result is shown
  // when it ends unless the user has moved on.
  const regenerate = () =>
    attempt(async () => {
      if (!current) return;
      const choice = conversionChoice(settings);
      if ('missing' in choice) return setNotice(choice.missing);
      const { jobId } = await api.regenerate({ designId: current.designId, ...choice });
      dispatch({ type: 'follow', jobId });
    });
  // A narrower design picked for the design on screen: the page converted again as one page at two widths, shown when it ends.
  const addNarrow = (file: File) =>
    attempt(async () => {
      if (!current) return;
      const choice = conversionChoice(settings);
      if ('missing' in choice) return setNotice(choice.missing);
      const read = await readDesignFile(file);
      if ('error' in read) return setNotice(read.error);
      const { jobId } = await api.regenerate({ designId: current.designId, ...choice, also: { name: file.name, data: read.data } });
      setNotice(undefined);
      dispatch({ type: 'follow', jobId });
    });
  // The video's app, in the toolbar's stack (its backend and mode are checked by the engine); its
  // first screen is shown when it ends unless the user has moved on.
  const generate = (edits: { drop: number[]; merge: [number, number][] }) =>
    attempt(async () => {
      if (!state.review) return;
      const choice = conversionChoice(settings);
      if ('missing' in choice) return setNotice(choice.missing);
      const { jobId } = await api.generateVideo({ detectionId: state.review.detectionId, ...edits, ...choice });
      setNotice(undefined);
      dispatch({ type: 'follow', jobId });
      dispatch({ type: 'close-review' });
    });
  // The desktop app's menu and shortcuts arrive as commands.
  useEffect(
    () =>
      bridge()?.onCommand((command) => {
        if (command === 'open') document.querySelector<HTMLInputElement>('[data-testid=file-input]')?.click();
        if (command === 'save-version') void save();
        if (command === 'regenerate') void regenerate();
        if (command === 'export' && current) setExporting('version');
      }),
    [save, regenerate, current],
  );
  const remove = (target: DeleteRequest) =>
    attempt(async () => {
      await api.delete(target);
      refreshHistory();
    });

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
      <Toolbar settings={settings} modelFolder={modelFolder} onChange={setSettings} onFiles={(files) => void convertFiles(files)} />
      {settings.backend === 'openai' && <ModelServerSettings api={api} settings={settings} onChange={setSettings} serverKey={serverKey} />}
      {notice && (
        <div className="notice" role="alert" data-testid="notice">
          {notice}
        </div>
      )}
      <FigmaPanel api={api} />
      <JobList jobs={state.jobs} selected={selectedJob} onSelect={(jobId) => dispatch({ type: 'select', jobId })} onCancel={(jobId) => void api.cancel({ jobId })} />
      <div className="body">
        <div className="main-column">
          {state.review && (
            <VideoReview
              key={state.review.detectionId}
              detection={state.review}
              stack={settings.stack}
              onGenerate={(edits) => void generate(edits)}
              onClose={() => dispatch({ type: 'close-review' })}
            />
          )}
          {pair && (
            <PairQuestion
              pair={pair}
              onOnePage={() => void convertOnePage(pair)}
              onSeparate={() => {
                setPair(undefined);
                void convertEach(pair);
              }}
              onCancel={() => setPair(undefined)}
            />
          )}
          {current?.app && <AppScreens app={current.app} designId={current.designId} onOpen={(id) => void open(id)} onExport={() => setExporting('app')} />}
          {current && shown ? (
            <main className="workspace">
              <CodePane key={current.versionId} result={current} onEdit={edit} reveal={reveal?.versionId === current.versionId ? reveal.pick : undefined} onCursor={link.cursor} />
              <section className="preview-column">
                <WidthSwitch widths={widths} shown={shown.key} onChange={setWidth} />
                <ScoreBar result={current} shown={shown} live={live} onSave={() => void save()} onRegenerate={() => void regenerate()} onAddNarrow={(file) => void addNarrow(file)} onExport={() => setExporting('version')} />
                <PreviewPane
                  result={current}
                  design={shown.design}
                  previewUrl={live.previewUrl ?? current.preview}
                  view={settings.view}
                  viewport={settings.viewport}
                  diffUrl={shown.diff}
                  frameRef={link.frame}
                  onFrameLoad={(url) => {
                    live.frameLoaded(url);
                    link.frameLoaded();
                  }}
                />
              </section>
            </main>
          ) : (
            !state.review && (
              <main className="empty" data-testid="drop-hint">
                <p>Drop a screenshot or a walkthrough video here, paste one, or open a file.</p>
                <p className="hint">Two screenshots at once, a desktop and a phone design of one page, can become one codebase that fits both.</p>
                <p className="hint">PNG, JPEG or WebP; MP4, WebM or MOV. Loupe writes the code, renders it, and shows how close it is.</p>
              </main>
            )
          )}
        </div>
        <HistoryPanel history={history} currentVersionId={current?.versionId} onOpen={(id) => void open(id)} onDelete={(t) => void remove(t)} />
      </div>
      {exporting && current && <ExportDialog api={api} version={current} target={exporting} onClose={() => setExporting(undefined)} />}
    </div>
  );
}
