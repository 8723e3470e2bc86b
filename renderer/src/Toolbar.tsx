import { useRef } from 'react';
import { BACKENDS } from '../../engine/api/contract.ts';
import { Choice } from './Choice.tsx';
import { ACCEPTED_TYPES } from './files.ts';
import { bridge } from './ipc-api.ts';
import type { FolderLine } from './model-folder.ts';
import { THEMES, VIEWS, choicesFor, within, type Settings } from './settings.ts';
import { VIEWPORTS, viewportLabel } from './viewports.ts';

interface ToolbarProps {
  settings: Settings;
  /** What the engine found in the local model's folder, said beside it. */
  modelFolder?: FolderLine;
  onChange: (s: Settings) => void;
  onFiles: (files: File[]) => void;
}

export function Toolbar({ settings, modelFolder, onChange, onFiles }: ToolbarProps) {
  const input = useRef<HTMLInputElement>(null);
  const desktop = bridge();
  const local = settings.backend === 'local';
  const { stacks, modes } = choicesFor(settings.backend);
  const only =
    settings.backend === 'local' ? 'The local model writes one HTML file (html-css), in fast mode' : settings.backend === 'openai' ? 'A model server writes one HTML page (html-css)' : undefined;
  return (
    <header className="toolbar">
      <strong className="brand">Loupe</strong>
      <button type="button" onClick={() => input.current?.click()}>
        Open…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        accept={ACCEPTED_TYPES.join(',')}
        onChange={(e) => {
          onFiles([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
      <Choice
        label="Backend"
        testId="backend"
        options={BACKENDS}
        title="Who writes the code: perception (from what is read off the design), the local model, or a model server (OpenAI-compatible)"
        value={settings.backend}
        onChange={(backend) => onChange({ ...settings, backend })}
      />
      {local && (
        <label title="The model package's folder on the engine's machine (loupe models convert)">
          Model{' '}
          <input
            className="model-dir"
            data-testid="model-dir"
            placeholder="model package folder"
            spellCheck={false}
            value={settings.modelDir}
            aria-describedby="model-folder"
            aria-invalid={modelFolder?.tone === 'bad'}
            onChange={(e) => onChange({ ...settings, modelDir: e.target.value })}
          />
        </label>
      )}
      {local && desktop && (
        <button type="button" onClick={() => void desktop.pickFolder().then((picked) => picked && onChange({ ...settings, modelDir: picked }))}>
          Choose…
        </button>
      )}
      {/* There while the field is, so that a screen reader hears each new answer. */}
      {local && (
        <span id="model-folder" className={modelFolder ? `model-folder ${modelFolder.tone}` : 'model-folder'} role="status" data-testid="model-folder">
          {modelFolder?.text}
        </span>
      )}
      <Choice label="Stack" testId="stack" options={stacks} title={only} value={within(stacks, settings.stack)} onChange={(stack) => onChange({ ...settings, stack })} />
      <Choice label="Mode" testId="mode" options={modes} title={local ? only : undefined} value={within(modes, settings.mode)} onChange={(mode) => onChange({ ...settings, mode })} />
      <Choice label="Theme" testId="theme" options={THEMES} value={settings.theme} onChange={(theme) => onChange({ ...settings, theme })} />
      <div className="views" role="group" aria-label="Preview view">
        {VIEWS.map((v) => (
          <button key={v} type="button" aria-pressed={settings.view === v} data-testid={`view-${v}`} onClick={() => onChange({ ...settings, view: v })}>
            {v}
          </button>
        ))}
      </div>
      <Choice
        label="Viewport"
        testId="viewport"
        options={VIEWPORTS}
        labelOf={viewportLabel}
        title={settings.view === 'side' ? 'The width the code is laid out at' : 'Overlay, swipe and diff compare at the design width'}
        value={settings.viewport}
        onChange={(viewport) => onChange({ ...settings, viewport })}
      />
    </header>
  );
}
