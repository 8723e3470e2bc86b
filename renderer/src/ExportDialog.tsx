// Export the version on screen into a folder: plain files, or a project that runs with
// `npm install && npm run dev`; for a screen of a walkthrough video's app, that screen or the
// whole app. A folder with files in it is only written after the user agrees.
import { useState } from 'react';
import { EXPORT_FORMATS, type ExportResult, type LoupeApi, type VersionView } from '../../engine/api/contract.ts';
import { ApiRequestError } from './api-client.ts';
import { bridge } from './ipc-api.ts';

export type ExportTarget = 'version' | 'app';

interface Props {
  api: LoupeApi;
  version: VersionView;
  /** What is exported at first: the version, or (for a screen of an app) the whole app. */
  target: ExportTarget;
  onClose: () => void;
}

export function ExportDialog({ api, version, target: initialTarget, onClose }: Props) {
  const [dir, setDir] = useState('');
  const [format, setFormat] = useState<(typeof EXPORT_FORMATS)[number]>('project');
  const [target, setTarget] = useState(initialTarget);
  const [message, setMessage] = useState<string>();
  const [done, setDone] = useState<ExportResult>();
  const desktop = bridge();
  const { app } = version;

  const run = async (overwrite: boolean) => {
    setMessage(undefined);
    try {
      const what = app && target === 'app' ? { appId: app.appId } : { versionId: version.versionId };
      setDone(await api.export({ ...what, dir, format, overwrite }));
    } catch (e) {
      if (e instanceof ApiRequestError && e.code === 'OUTPUT_EXISTS' && confirm(`${e.message}\n\nWrite into it anyway?`)) return run(true);
      setMessage((e as Error).message);
    }
  };

  return (
    <dialog open className="export" data-testid="export-dialog">
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void run(false);
        }}
      >
        <h2>Export</h2>
        {app && (
          <label>
            What{' '}
            <select value={target} onChange={(e) => setTarget(e.target.value as ExportTarget)} data-testid="export-what">
              <option value="app">
                the whole app ({app.screens.length} screens of {app.name})
              </option>
              <option value="version">this screen only</option>
            </select>
          </label>
        )}
        <label>
          {/* The desktop app writes only into a folder picked in its dialog; web mode, only inside its exports folder (a name is taken there). */}
          Folder{' '}
          <input required value={dir} onChange={(e) => setDir(e.target.value)} readOnly={desktop !== undefined} placeholder={desktop ? 'Choose a folder' : 'landing'} data-testid="export-dir" />
        </label>
        {desktop && (
          <button type="button" onClick={() => void desktop.pickFolder().then((picked) => picked && setDir(picked))}>
            Choose…
          </button>
        )}
        <label>
          As{' '}
          <select value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
            <option value="project">a runnable project</option>
            <option value="files">the code files only</option>
          </select>
        </label>
        {message && <p className="error" role="alert">{message}</p>}
        {done && (
          <p data-testid="export-done">
            Wrote {done.files.length} files to {done.dir}.
          </p>
        )}
        <menu>
          <button type="submit">Export</button>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </menu>
      </form>
    </dialog>
  );
}
